import assert from 'node:assert';
import { jsonObject, successBytes } from '../../../app/common/json_text';

describe('test/app/common/json_text.test.ts', () => {
  it('makes the text JSON.stringify makes of the whole, the serialised members first, undefined ones left out', () => {
    const room = { id: 7, title: '标题 "quoted" \\ \u2028', user: { id: 1, avatar: null }, moderators: [] };
    const text = jsonObject({ data: JSON.stringify(room) }, { sign: '1-ab', play_url: null, gone: undefined, n: 0 });
    assert.equal(text, JSON.stringify({ data: room, sign: '1-ab', play_url: null, n: 0 }));
    assert.equal(jsonObject({}), '{}');
    assert.equal(jsonObject({ 'a"b': '[]' }), JSON.stringify({ 'a"b': [] }));
  });

  it('makes the bytes of the course envelope around data serialised beforehand, as apiSuccess would send them', () => {
    const data = [{ id: 1, title: '直播间 "一"', cover: null }];
    assert.equal(successBytes(JSON.stringify(data)).toString('utf8'), JSON.stringify({ msg: 'ok', data }));
    assert.equal(successBytes('"done"', '完成').toString('utf8'), JSON.stringify({ msg: '完成', data: 'done' }));
  });
});
