import { execFileSync } from 'node:child_process';

// egg-bin loads this file first: the unit-test database is created and migrated, as `npm run db:init` does,
// before any test file boots the app (egg-sequelize connects at start-up).
execFileSync('npm', [ 'run', '--silent', 'db:init' ], {
  stdio: [ 'ignore', 'ignore', 'inherit' ],
  env: { ...process.env, EGG_SERVER_ENV: 'unittest' },
});
