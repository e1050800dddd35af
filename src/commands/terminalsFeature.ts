/**
 * The terminals feature (issue 19), built by extension.ts: the window's cluster terminals (login
 * node, jobs) and the interactive sessions, whose shells are job terminals too. Their commands (Open
 * Terminal on Login Node / in Job, Start Interactive Session…, Reopen Interactive Terminal) are in
 * commands/index.ts; the terminals are also the test API's.
 */
import { ClusterTerminals } from '../vscode/clusterTerminal';
import { InteractiveTerminals } from '../vscode/interactiveTerminals';
import type { Services } from '../vscode/services';

/** What the terminal and interactive session commands (commands/index.ts) act on. */
export interface TerminalsFeature {
  terminals: ClusterTerminals;
  interactive: InteractiveTerminals;
}

export function registerTerminals(services: Services): TerminalsFeature {
  const terminals = new ClusterTerminals();
  const interactive = new InteractiveTerminals(terminals, () => services.commandTimeoutMs());
  services.context.subscriptions.push(interactive);
  return { terminals, interactive };
}
