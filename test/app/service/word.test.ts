import assert from 'node:assert';
import { randomBytes } from 'node:crypto';
import { app } from 'egg-mock/bootstrap';
import { WORDS_CHANGED } from '../../../app/common/moderation';
import { registerAndLogin } from '../../support';
import { connect, ok, openLive, refusal, useSocketTests } from '../../socket_support';

// A word no other test uses: the list is shared by every test of the run.
const uniqueWord = () => `禁${randomBytes(3).toString('hex')}`;

describe('test/app/service/word.test.ts', () => {
  const socketApp = useSocketTests();
  const added: number[] = [];
  after(async () => {
    await app.model.Word.destroy({ where: { id: added } });
    app.messenger.emit(WORDS_CHANGED, {});
  });

  async function add(word: string) {
    const row = await app.mockContext().service.word.add(1, word);
    added.push(row.id);
    return row;
  }

  it('adds, lists and removes words; refuses empty, too long and repeated ones', async () => {
    const service = app.mockContext().service.word;
    const word = uniqueWord();
    const row = await add(`  ${word}  `);
    assert.equal(row.word, word);
    assert.equal(row.created_by, 1);
    const { rows, count } = await service.list({ page: 1, limit: 100 });
    assert(count >= 1);
    assert.equal(rows[0].word, word);
    await assert.rejects(service.add(1, word.toUpperCase()), { status: 400, message: '该违禁词已存在' });
    await assert.rejects(service.add(1, '   '), { status: 422, message: '违禁词不能为空' });
    await assert.rejects(service.add(1, '字'.repeat(51)), { status: 422, message: '违禁词不能超过 50 个字' });
    assert.equal(await service.check(`说 ${word} 了`), word);
    await service.remove(1, row.id);
    await assert.rejects(service.remove(1, row.id), { status: 404, message: '该违禁词不存在' });
    assert.equal(await service.check(`说 ${word} 了`), null);
  });

  it('finds a word whatever its case, width or the spaces put inside it', async () => {
    const service = app.mockContext().service.word;
    const word = `bad${randomBytes(3).toString('hex')}`;
    await add(word);
    assert.equal(await service.check(`this is ${word.toUpperCase()}!`), word);
    // Full-width letters and digits fold to ASCII (NFKC).
    const wide = [ ...word ].map(char => String.fromCharCode(char.charCodeAt(0) + 0xFEE0)).join('');
    assert.equal(await service.check(wide), word);
    assert.equal(await service.check([ ...word ].join(' ')), word);
    assert.equal(await service.check('nothing wrong here'), null);
  });

  it('is read again on every worker at the words-changed message', async () => {
    const service = app.mockContext().service.word;
    const word = uniqueWord();
    assert.equal(await service.check(word), null);
    // Written behind the service's back: this worker's copy does not know it yet.
    const row = await app.model.Word.create({ word, created_by: 1 });
    added.push(row.id);
    assert.equal(await service.check(word), null);
    app.messenger.emit(WORDS_CHANGED, {});
    assert.equal(await service.check(word), word);
  });

  it('refuses danmaku and room titles that contain a word, storing nothing', async () => {
    const word = uniqueWord();
    await add(word);
    const { live } = await openLive();
    const viewer = await registerAndLogin();
    const socket = await connect(socketApp.url, { token: viewer.token });
    assert.equal(await refusal(socket, 'comment', { live_id: live.id, data: `hi ${word}` }), '内容包含违禁词');
    assert.equal(await app.model.Comment.count({ where: { live_id: live.id } }), 0);
    await ok(socket, 'comment', { live_id: live.id, data: 'hi there' });
    const before = await app.model.Live.count({ where: { user_id: viewer.id } });
    const res = await app.httpRequest().post('/api/live/create').set('token', viewer.token)
      .send({ title: `${word} room` })
      .expect(400);
    assert.deepEqual(res.body, { msg: 'fail', data: '内容包含违禁词' });
    assert.equal(await app.model.Live.count({ where: { user_id: viewer.id } }), before);
  });
});
