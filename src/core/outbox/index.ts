export * from './ports';
export * from './change-events';
export * from './dispatcher';
