import assert from 'node:assert';
import { jsonObject } from '../../../app/common/json_text';

describe('test/app/common/json_text.test.ts', () => {
  it('makes the text JSON.stringify makes of the whole, the serialised members first, undefined ones left out', () => {
    const room = { id: 7, title: '标题 "quoted" \\ \u2028', user: { id: 1, avatar: null }, moderators: [] };
    const text = jsonObject({ data: JSON.stringify(room) }, { sign: '1-ab', play_url: null, gone: undefined, n: 0 });
    assert.equal(text, JSON.stringify({ data: room, sign: '1-ab', play_url: null, n: 0 }));
    assert.equal(jsonObject({}), '{}');
    assert.equal(jsonObject({ 'a"b': '[]' }), JSON.stringify({ 'a"b': [] }));
  });
});
