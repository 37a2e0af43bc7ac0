import assert from 'node:assert';
import { EggLogger } from 'egg';
import nmsLogger from 'node-media-server/src/core/logger.js';
import { MEDIA_LOG_LEVELS, routeMediaLogs } from '../../../app/lib/media_log';

describe('test/app/lib/media_log.test.ts', () => {
  const original = nmsLogger.log;
  let lines: string[];
  const logger = Object.fromEntries([ 'debug', 'info', 'warn', 'error' ].map(method =>
    [ method, (format: string, message: string) => lines.push(`${method} ${format.replace('%s', message)}`) ])) as unknown as EggLogger;

  beforeEach(() => { lines = []; });
  after(() => { nmsLogger.log = original; });

  it('sends Node-Media-Server\'s lines from the threshold up to the logger, its errors as warnings', () => {
    routeMediaLogs(logger, 'info');
    for (const level of MEDIA_LOG_LEVELS) nmsLogger.log(`a ${level} line`, level);
    nmsLogger.log('no level given');
    assert.deepEqual(lines, [ 'info [nms] a info line', 'warn [nms] a warn line', 'warn [nms] a error line', 'info [nms] no level given' ]);
  });

  it('sends trace lines as debug ones when the threshold is trace', () => {
    routeMediaLogs(logger, 'trace');
    nmsLogger.log('a trace line', 'trace');
    nmsLogger.log('an unknown level', 'verbose');
    assert.deepEqual(lines, [ 'debug [nms] a trace line' ]);
  });
});
