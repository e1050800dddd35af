/**
 * The remote half of the tail multiplexer (see tailMux.ts): ONE small Perl process per cluster
 * connection that runs one GNU `tail -F` per followed file as its children and frames their
 * output onto its single stdout. sshd allows only MaxSessions (default 10) channels per
 * connection, so one channel per followed file cannot follow ten logs and still run commands;
 * one channel for all of them can.
 *
 * Why Perl: `perl` (perl-base) is on every Linux login node we know of — Slurm's own tools need
 * it — and its core has fork/exec/select. Python is not everywhere; a POSIX shell cannot frame
 * bytes from several pipes. Each file is still followed by GNU `tail -F` (inotify where the file
 * system allows, the name followed across truncation and re-creation), so the per-file behaviour
 * is exactly that of the one-channel-per-file path the client falls back to without Perl.
 *
 * Requests, one line each on stdin:
 *   open <id> <first byte, 1-based> <sleep seconds> <path as hex>
 *   close <id>
 * Frames on stdout: "<id> <kind> <length>\n" then <length> bytes. Kinds: h (hello, id 0, once at
 * start), o (the tail's stdout: file bytes), e (the tail's stderr: its notices), x (the tail
 * ended: "exit N" or "signal N").
 *
 * Ending: stdin's end (the channel closed, or the connection dropped) kills every tail and exits;
 * each tail also gets `--pid=<perl's pid>`, so even a SIGKILLed multiplexer leaves no tail behind
 * for longer than one sleep interval.
 */

export const TAIL_MUX_HELLO = 'swb-tail-mux 1';

export const TAIL_MUX_SCRIPT = String.raw`
use strict; use warnings; use POSIX (); use IO::Select;
$SIG{PIPE} = 'IGNORE';
binmode STDIN; binmode STDOUT;
my $self = $$;
my $sel = IO::Select->new(); $sel->add(\*STDIN);
my (%tails, %src);
my $in = '';
sub quit { for my $t (values %tails) { kill 'TERM', $t->{pid}; } exit 0; }
sub put {
  my ($id, $kind, $data) = @_;
  my $b = "$id $kind " . length($data) . "\n" . $data;
  while (length $b) {
    my $n = syswrite(STDOUT, $b);
    if (!defined $n) { next if $!{EINTR} || $!{EAGAIN}; quit(); }
    substr($b, 0, $n) = '';
  }
}
sub open_tail {
  my ($id, $from, $sleep, $hex) = @_;
  return put($id, 'x', 'exit 2') if exists $tails{$id} || $from !~ /^[0-9]+$/ || $sleep !~ /^[0-9.]+$/;
  my $path = pack('H*', $hex);
  my ($or, $ow, $er, $ew);
  if (!pipe($or, $ow) || !pipe($er, $ew)) { put($id, 'e', "pipe: $!\n"); return put($id, 'x', 'exit 126'); }
  my $pid = fork();
  if (!defined $pid) { put($id, 'e', "fork: $!\n"); return put($id, 'x', 'exit 126'); }
  if ($pid == 0) {
    close $or; close $er;
    open(STDIN, '<', '/dev/null'); open(STDOUT, '>&', $ow); open(STDERR, '>&', $ew);
    exec('tail', '-F', "--sleep-interval=$sleep", "--pid=$self", '-c', "+$from", '--', $path)
      or do { print STDERR "tail: $!\n"; POSIX::_exit(127); };
  }
  close $ow; close $ew;
  $tails{$id} = { pid => $pid, open => 2 };
  $src{fileno $or} = [$id, 'o', $or];
  $src{fileno $er} = [$id, 'e', $er];
  $sel->add($or, $er);
}
put(0, 'h', '${TAIL_MUX_HELLO}');
while (1) {
  for my $fh ($sel->can_read()) {
    my $n = sysread($fh, my $buf, 65536);
    next if !defined $n && ($!{EINTR} || $!{EAGAIN});
    if (fileno($fh) == fileno(STDIN)) {
      quit() if !$n;
      $in .= $buf;
      while ($in =~ s/^([^\n]*)\n//) {
        my @w = split / /, $1;
        if (@w == 5 && $w[0] eq 'open') { open_tail(@w[1..4]); }
        elsif (@w == 2 && $w[0] eq 'close' && $tails{$w[1]}) { kill 'TERM', $tails{$w[1]}{pid}; }
      }
      next;
    }
    my ($id, $kind) = @{ $src{fileno $fh} };
    if ($n) { put($id, $kind, $buf); next; }
    $sel->remove($fh); delete $src{fileno $fh}; close $fh;
    next if --$tails{$id}{open} > 0;
    waitpid($tails{$id}{pid}, 0);
    my $st = $?;
    put($id, 'x', ($st & 127) ? 'signal ' . ($st & 127) : 'exit ' . ($st >> 8));
    delete $tails{$id};
  }
}
`;
