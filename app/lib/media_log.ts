import { EggLogger } from 'egg';
import nmsLogger from 'node-media-server/src/core/logger.js';

// Node-Media-Server's levels, lowest first; MEDIA_LOG_LEVEL names one (config/config.default.ts).
export const MEDIA_LOG_LEVELS = [ 'trace', 'debug', 'info', 'warn', 'error' ] as const;
export type MediaLogLevel = typeof MEDIA_LOG_LEVELS[number];

// Node-Media-Server's one module-wide logger writes to the console; its lines go to `logger` from `threshold` up.
export function routeMediaLogs(logger: EggLogger, threshold: MediaLogLevel): void {
  const lowest = MEDIA_LOG_LEVELS.indexOf(threshold);
  nmsLogger.log = (message: string, level = 'info') => {
    if (MEDIA_LOG_LEVELS.indexOf(level as MediaLogLevel) < lowest) return;
    // Its errors are about one client's session (a refused or broken connection): warnings for this service.
    const method = level === 'trace' ? 'debug' : level === 'error' ? 'warn' : level as 'debug' | 'info' | 'warn';
    logger[method]('[nms] %s', message);
  };
}
