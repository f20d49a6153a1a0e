// The entry of pb_hooks/lib/markbook.js: the one copy of the merge rules,
// validation and scoring, which the server hooks run exactly as the device does.
export * from './sync/core/index';
export * from './domain/index';
export * from './sync/server/index';
