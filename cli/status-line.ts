/**
 * One line at the bottom of a terminal, redrawn in place, that other output passes above.
 * Our own and not clack's `progress`: that one redraws on a timer, so a result line printed
 * meanwhile lands in the middle of the bar, and the state before `stop()` may never be drawn.
 */
export interface StatusLine {
  /** Replaces the line's text, at once. */
  show(text: string): void;
  /** Runs `write`, which writes whole lines to `stream`, so that they end up above the line. */
  above(stream: NodeJS.WriteStream, write: () => void): void;
  /** Leaves the last text on screen and moves below it for good. */
  end(): void;
}

const CLEAR = '\r\x1b[2K';

export function createStatusLine(terminal: NodeJS.WriteStream): StatusLine {
  let text = '';
  let drawn = false;
  // A line that wraps cannot be redrawn with `\r`, which only goes back to the start of its
  // last row; and some terminals wrap as soon as the last column is written: keep off it.
  const fit = (line: string) => Array.from(line).slice(0, Math.max(1, (terminal.columns || 80) - 1)).join('');
  const draw = () => {
    terminal.write(`${CLEAR}${fit(text)}`);
    drawn = true;
  };
  return {
    show(next) {
      text = next;
      draw();
    },
    above(stream, write) {
      // A stream that is not a terminal (stdout piped to a file) gets its lines untouched and
      // never reaches the screen. Two terminals are taken to be the same one: the usual case,
      // and in any other a redraw costs nothing.
      if (!drawn || !stream.isTTY) return write();
      terminal.write(CLEAR);
      write();
      draw();
    },
    end() {
      if (drawn) terminal.write('\n');
      drawn = false;
    },
  };
}
