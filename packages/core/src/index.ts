export * from './codes.js';
export * from './problems.js';
export * from './schemas/index.js';
export * from './engine/index.js';
export * from './stats/index.js';
export * from './self-assessment/index.js';
export * from './matching/index.js';
