declare module '*.sql' {
  const text: string;
  export default text;
}

// `import x from '…' with { type: 'file' }`: Bun gives the file's path, inside the executable too.
declare module '*.wasm' {
  const path: string;
  export default path;
}
declare module '*.ttf' {
  const path: string;
  export default path;
}
