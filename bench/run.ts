/**
 * `npm run bench -- <name> [args...]`: runs bench/<name>.ts, which prints its own numbers.
 * Benchmarks measure speed; tests never assert on wall-clock time.
 */
const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  process.stderr.write('usage: npm run bench -- <name>   (a file bench/<name>.ts)\n');
  process.exit(2);
}
await import(`./${name}.js`);
