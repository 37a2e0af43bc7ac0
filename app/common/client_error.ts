import { describeError } from './validation';
import { dependencyDown, UNAVAILABLE_MESSAGE } from './dependency_error';

export interface ThrownError extends Error {
  body?: boolean;
  status?: number;
  statusCode?: number;
  // http-errors' flag: a 5xx thrown with expose true (a service that is off, a gateway that failed) says its message.
  expose?: boolean;
  code?: string;
  errors?: Array<{ field?: string; message?: string }>;
}

// Body parsing failures (marked by config.bodyParser.onerror), by status, in words a person reads.
const BODY_ERRORS: Record<number, string> = {
  400: '请求体格式不正确',
  413: '请求体过大',
  415: '不支持的请求体类型或编码',
};

// egg-multipart's (co-busboy's) limits of a multipart form, by code, all 413s.
const MULTIPART_LIMITS = new Map([
  [ 'Request_fileSize_limit', '文件过大' ],
  [ 'Request_files_limit', '一次只能上传一个文件' ],
  [ 'Request_fields_limit', '表单字段过多' ],
  [ 'Request_parts_limit', '表单字段过多' ],
  [ 'Request_fieldSize_limit', '表单字段过长' ],
]);

// What a client is told of a thrown error, for the HTTP envelope and the socket error event alike: its status and
// a message a person reads. A 5xx says nothing of its cause unless showDetails (tests); MySQL or Redis being away is
// a 503 that says so in words, whatever showDetails.
export function clientError(err: ThrownError, showDetails: boolean): { status: number; message: string } {
  if (dependencyDown(err)) return { status: 503, message: UNAVAILABLE_MESSAGE };
  const raw = err.status || err.statusCode || 500;
  const status = raw >= 400 && raw < 600 ? raw : 500;
  let message = err.message;
  if (status >= 500) {
    if (!showDetails && !err.expose) message = 'Internal Server Error';
  } else if (status === 422 && err.errors?.length) {
    message = describeError(err.errors[0]);
  } else if (err.code && MULTIPART_LIMITS.has(err.code)) {
    message = MULTIPART_LIMITS.get(err.code)!;
  } else if (err.body) {
    message = BODY_ERRORS[status] ?? BODY_ERRORS[400];
  }
  return { status, message };
}
