import { CLI, cleanEnv } from './cli';

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Starts `imgapi <args>` on a real pseudo-terminal of `columns` × 24, as in a terminal window,
 * through util-linux's `script` (on every Debian). `stdoutTo` sends stdout to a file, as
 * `> file` would, while stderr stays on the terminal. `output` is every byte the terminal got:
 * see `replay` for what it showed.
 */
export function spawnInTerminal(args: string[], options: { env: Record<string, string>; columns: number; stdoutTo?: string }) {
  const redirect = options.stdoutTo ? ` > ${quote(options.stdoutTo)}` : '';
  const command = `stty cols ${options.columns} rows 24 && exec ${[process.execPath, CLI, ...args].map(quote).join(' ')}${redirect}`;
  const proc = Bun.spawn(['script', '--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
    env: { ...cleanEnv(), TERM: 'xterm', ...options.env },
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let output = '';
  const read = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) output += decoder.decode(chunk, { stream: true });
  })();
  return {
    get output() {
      return output;
    },
    /** Waits until the terminal has received text matching `pattern`. */
    async waitFor(pattern: RegExp, ms = 15_000): Promise<void> {
      for (const deadline = Date.now() + ms; !pattern.test(output); await Bun.sleep(50)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; the terminal got ${JSON.stringify(output)}`);
      }
    },
    /** Keys typed on the terminal: '\x03' is Ctrl-C, which the terminal turns into SIGINT. */
    type(keys: string) {
      proc.stdin.write(keys);
      proc.stdin.flush();
    },
    /** The command's exit code, once the terminal has received all it wrote. */
    async exited(): Promise<number> {
      const code = await proc.exited;
      await read;
      proc.stdin.end();
      return code;
    },
  };
}

export async function runInTerminal(args: string[], options: { env: Record<string, string>; columns: number; stdoutTo?: string }) {
  const terminal = spawnInTerminal(args, options);
  const code = await terminal.exited();
  return { code, output: terminal.output };
}

/**
 * What a terminal `columns` wide shows after receiving `output`: every row ever written, top
 * to bottom, trailing blanks trimmed. Knows what a line-at-a-time display uses (text, tabs,
 * `\r`, `\n`, autowrap, cursor moves, erase in line and below); colours and modes change no
 * text; any other escape sequence throws, so a test never passes on output it did not read.
 */
export function replay(output: string, columns: number): string[] {
  const rows: string[][] = [];
  let row = 0;
  let col = 0;
  let wrapPending = false; // the last column was just written: the next character goes below
  const cells = () => (rows[row] ??= []);
  const chars = Array.from(output);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\x1b') {
      const match = /^\x1b\[([?\d;]*)([A-Za-z])/.exec(chars.slice(i, i + 16).join(''));
      if (!match) throw new Error(`unknown escape sequence ${JSON.stringify(chars.slice(i, i + 8).join(''))}`);
      i += match[0].length - 1;
      const [, param = '', command] = match;
      const n = Math.max(1, Number(param) || 1);
      const line = cells();
      if (command === 'A') row = Math.max(0, row - n);
      else if (command === 'B') row += n;
      else if (command === 'C') col = Math.min(columns - 1, col + n);
      else if (command === 'D') col = Math.max(0, col - n);
      else if (command === 'G') col = Math.min(columns - 1, n - 1);
      else if (command === 'K' && param === '2') line.length = 0;
      else if (command === 'K' && param === '1') line.fill(' ', 0, col + 1);
      else if (command === 'K') line.length = Math.min(line.length, col);
      else if (command === 'J' && (param === '' || param === '0')) (line.length = Math.min(line.length, col)), (rows.length = row + 1);
      else if (command !== 'm' && command !== 'h' && command !== 'l') throw new Error(`unknown escape sequence ${JSON.stringify(match[0])}`);
      wrapPending = false;
    } else if (ch === '\r') {
      col = 0;
      wrapPending = false;
    } else if (ch === '\n') {
      row++;
      wrapPending = false;
    } else if (ch === '\t') {
      col = Math.min(columns - 1, (Math.floor(col / 8) + 1) * 8);
    } else if (ch === '\b') {
      col = Math.max(0, col - 1);
      wrapPending = false;
    } else if (ch >= ' ') {
      if (wrapPending) {
        row++;
        col = 0;
        wrapPending = false;
      }
      cells()[col] = ch;
      if (col === columns - 1) wrapPending = true;
      else col++;
    }
  }
  return Array.from(rows, (cellsOfRow) => Array.from(cellsOfRow ?? [], (cell) => cell ?? ' ').join('').trimEnd());
}
