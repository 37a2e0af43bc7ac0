import assert from 'node:assert';
import { clientError, ThrownError } from '../../../app/common/client_error';

const thrown = (message: string, fields: Partial<ThrownError>): ThrownError => Object.assign(new Error(message), fields);

describe('test/app/common/client_error.test.ts', () => {
  it('passes a 4xx through with its message', () => {
    assert.deepEqual(clientError(thrown('直播间不存在', { status: 404 }), false), { status: 404, message: '直播间不存在' });
    assert.deepEqual(clientError(thrown('请求太频繁', { statusCode: 429 }), false), { status: 429, message: '请求太频繁' });
  });

  it('makes a 500 of an error without an error status, and hides a 5xx\'s message unless showDetails', () => {
    for (const fields of [{}, { status: 302 }, { status: 200 }, { status: 600 }]) {
      assert.deepEqual(clientError(thrown('db password=x', fields), false), { status: 500, message: 'Internal Server Error' });
    }
    assert.deepEqual(clientError(thrown('upstream down', { status: 503 }), false), { status: 503, message: 'Internal Server Error' });
    assert.deepEqual(clientError(thrown('upstream down', { status: 503 }), true), { status: 503, message: 'upstream down' });
  });

  it('words a 422 by its first failing field, or keeps its message when it names none', () => {
    const errors = [{ field: 'username', message: '长度不能少于 5' }, { field: 'password', message: '不能为空' }];
    assert.deepEqual(clientError(thrown('Validation Failed', { status: 422, errors }), false), { status: 422, message: '用户名长度不能少于 5' });
    assert.deepEqual(clientError(thrown('请求参数必须是对象', { status: 422 }), false), { status: 422, message: '请求参数必须是对象' });
  });

  it('words a body parsing failure by its status, and any other as a malformed body', () => {
    const body = (status: number) => clientError(thrown('raw parser text', { status, body: true }), false).message;
    assert.equal(body(400), '请求体格式不正确');
    assert.equal(body(413), '请求体过大');
    assert.equal(body(415), '不支持的请求体类型或编码');
    assert.equal(body(411), '请求体格式不正确');
  });
});
