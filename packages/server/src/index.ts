export { startServer, buildHavenApp, type RunningServer } from './server.js';
export { loadConfig, type HavenConfig } from './platform/config.js';
export { openPlatform } from './platform/bootstrap.js';
