export * from './codes.js';
export * from './schemas/common.js';
export * from './schemas/person.js';
export * from './schemas/operations.js';
export * from './schemas/referrals.js';
export * from './schemas/justice.js';
export * from './engine/index.js';
export * from './self-assessment/index.js';
