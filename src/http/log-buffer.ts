/**
 * Log lines written as ASCII bytes straight into one buffer, handed to the writer in one piece
 * when it fills or `flushMs` after the first line: a line costs no string of its own, no
 * encoding and no system call. Every field is ours or validated, so ASCII is enough; a byte
 * that would break a JSON string (a control character, a quote, a backslash, anything beyond
 * ASCII) is written as `?`.
 */
export interface LogBuffer {
  /** Makes room for one line of at most `LINE_MAX` bytes. */
  begin(): void;
  /** Bytes of ours, as they are (JSON punctuation, a cached time stamp): made once with `ascii`. */
  literal(bytes: Uint8Array): void;
  /** A value, cut at `FIELD_MAX` characters. */
  text(value: string): void;
  /** A non-negative integer. */
  int(value: number): void;
  /** A non-negative number rounded to two decimals, printed as `Math.round(v * 100) / 100` would be. */
  hundredths(value: number): void;
  /** Ends the line (its newline) and makes sure a flush is due. */
  end(): void;
  flush(): void;
}

const BUFFER_BYTES = 64 * 1024;
export const FIELD_MAX = 120;
/** Room for a line: a handful of fields at FIELD_MAX each, and the punctuation around them. */
const LINE_MAX = 1024;
const QUESTION = 63;

const encoder = new TextEncoder();
/** A constant of ours as bytes, for `literal`. */
export const ascii = (text: string) => encoder.encode(text);

// The buffer and its length are copied into locals around every loop: a captured variable is
// read and written back through its scope on each byte otherwise, several times slower.
export function createLogBuffer(write: (bytes: Uint8Array) => void, flushMs = 100): LogBuffer {
  // Not zero-filled: only the bytes written are ever handed out.
  let buffer: Uint8Array = Buffer.allocUnsafe(BUFFER_BYTES);
  let length = 0;
  let timer: Timer | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (length === 0) return;
    const full = buffer.subarray(0, length);
    // A new buffer, not a reused one: the writer may still hold the last one (a stream queues it).
    buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    length = 0;
    write(full);
  };

  // Digits written from the right, with no string made for them.
  const int = (value: number) => {
    const b = buffer;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    const end = length + digits;
    let at = end;
    let rest = value;
    do {
      b[--at] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    length = end;
  };

  return {
    begin() {
      if (length + LINE_MAX > BUFFER_BYTES) flush();
    },
    // A loop: for a few bytes it is several times faster than `buffer.set`.
    literal(bytes) {
      const b = buffer;
      let n = length;
      for (let i = 0; i < bytes.length; i++) b[n++] = bytes[i]!;
      length = n;
    },
    text(value) {
      const b = buffer;
      let n = length;
      const end = value.length < FIELD_MAX ? value.length : FIELD_MAX;
      for (let i = 0; i < end; i++) {
        const c = value.charCodeAt(i);
        b[n++] = c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c ? QUESTION : c;
      }
      length = n;
    },
    int,
    hundredths(value) {
      const rounded = Math.round(value * 100);
      const whole = Math.floor(rounded / 100);
      const fraction = rounded - whole * 100;
      int(whole);
      if (fraction === 0) return;
      const b = buffer;
      b[length++] = 46; // '.'
      b[length++] = 48 + Math.floor(fraction / 10);
      if (fraction % 10 !== 0) b[length++] = 48 + (fraction % 10);
    },
    end() {
      buffer[length++] = 10;
      timer ??= setTimeout(flush, flushMs);
    },
    flush,
  };
}
