// Placeholder build: the static page in static/ is served as it is until the PWA lands.
process.stdout.write('@haven/web: placeholder page, nothing to build\n');
