/** Walks a tree provider depth-first into plain data (what a user would see, expanded), for tests. */
import * as vscode from 'vscode';

/** One tree item as rendered: what a user would read, and its menu context. */
export interface RenderedTreeItem {
  depth: number;
  label: string;
  description?: string;
  contextValue?: string;
}

export async function renderTree<T>(provider: vscode.TreeDataProvider<T>, maxItems = 5000): Promise<RenderedTreeItem[]> {
  const out: RenderedTreeItem[] = [];
  const walk = async (element: T | undefined, depth: number): Promise<void> => {
    const children = (await provider.getChildren(element)) ?? [];
    for (const child of children) {
      if (out.length >= maxItems) return;
      const item = await provider.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      out.push({ depth, label, description: typeof item.description === 'string' ? item.description : undefined, contextValue: item.contextValue });
      if (item.collapsibleState !== vscode.TreeItemCollapsibleState.None) await walk(child, depth + 1);
    }
  };
  await walk(undefined, 0);
  return out;
}
