import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
// What `npm run tsc` compiles: the app, its config and boot files (a copy keeps this checkout free of .js).
const PROJECT = [ 'app', 'config', 'typings', 'database', 'app.ts', 'agent.ts', 'package.json', 'tsconfig.json', '.sequelizerc' ];

function compiledNextToSource(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap(entry => {
    const file = path.join(under, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : compiledNextToSource(dir, file);
    const source = file.replace(/\.js$/, '.ts');
    return file.endsWith('.js') && readdirSync(path.join(dir, under)).includes(path.basename(source)) ? [ file ] : [];
  });
}

const npm = (cwd: string, script: string) =>
  execFileSync('npm', [ 'run', '--silent', script ], { cwd, stdio: [ 'ignore', 'pipe', 'pipe' ], env: { ...process.env, EGG_SERVER_ENV: 'unittest' } });

describe('test/package_scripts.test.ts', () => {
  let copy: string;
  let compiled: Map<string, Buffer>;
  before(function() {
    this.timeout(120000);
    copy = mkdtempSync(path.join(tmpdir(), 'cilicl-live-scripts-'));
    for (const name of PROJECT) cpSync(path.join(ROOT, name), path.join(copy, name), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    npm(copy, 'tsc');
    compiled = new Map(compiledNextToSource(copy).map(file => [ file, readFileSync(path.join(copy, file)) ]));
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  // Egg loads a stale app/model/comment.js before comment.ts and refuses to start ("can't overwrite property").
  function cleansFirst(script: string) {
    it(`npm run ${script} first removes the .js that the deploy step (npm run tsc) compiled next to the .ts`, function() {
      this.timeout(60000);
      for (const [ file, content ] of compiled) writeFileSync(path.join(copy, file), content);
      assert(compiledNextToSource(copy).includes(path.join('app', 'model', 'comment.js')));
      npm(copy, `pre${script}`);
      assert.deepEqual(compiledNextToSource(copy), []);
    });
  }
  cleansFirst('dev');
  cleansFirst('debug');
  cleansFirst('test-local');
});
