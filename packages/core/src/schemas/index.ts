export * from './common.js';
export * from './person.js';
export * from './operations.js';
export * from './referrals.js';
export * from './access.js';
export * from './justice.js';
export * from './duplicates.js';
