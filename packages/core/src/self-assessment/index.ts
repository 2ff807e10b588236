// The Framework-for-Action self-assessment (DOMAIN.md section 11): catalogue (data) and the pure
// evaluation of answers and measures into a gap report.

export * from './catalogue.js';
export * from './assess.js';
export * from './schemas.js';
