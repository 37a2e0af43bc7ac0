import assert from 'node:assert';
import md5 from 'md5';
import { checkStreamSign, roomKeyOf, signStream, streamPath } from '../../../app/common/media_sign';

describe('test/app/common/media_sign.test.ts', () => {
  const config = { publishSecret: 'publish-secret', playSecret: 'play-secret', signTtl: 100000 };
  const key = 'L3V8KhRHin40gNug58zy';
  const path = streamPath(key);
  const now = Date.UTC(2026, 10, 20, 12);
  const nowSeconds = now / 1000;

  it('signs in Node-Media-Server\'s shape: <expires>-md5("<path>-<expires>-<secret>")', () => {
    const expires = nowSeconds + config.signTtl;
    assert.equal(signStream(config, 'publish', key, now), `${expires}-${md5(`/live/${key}-${expires}-publish-secret`)}`);
    assert.equal(signStream(config, 'play', key, now), `${expires}-${md5(`/live/${key}-${expires}-play-secret`)}`);
  });

  it('accepts a signature for its own action and room until it expires', () => {
    for (const action of [ 'publish', 'play' ] as const) {
      const sign = signStream(config, action, key, now);
      assert.equal(checkStreamSign(config, action, path, sign, now), null);
      assert.equal(checkStreamSign(config, action, path, sign, now + config.signTtl * 1000), null);
      assert.equal(checkStreamSign(config, action, path, sign, now + (config.signTtl + 1) * 1000), 'signature expired');
    }
  });

  it('never lets a play signature publish, nor a publish signature play', () => {
    assert.equal(checkStreamSign(config, 'publish', path, signStream(config, 'play', key, now), now), 'a play signature cannot publish');
    assert.equal(checkStreamSign(config, 'play', path, signStream(config, 'publish', key, now), now), 'signature does not match this room');
  });

  it('refuses another room\'s signature, and a tampered one', () => {
    const other = signStream(config, 'publish', 'abcdefghijABCDEFGHIJ', now);
    assert.equal(checkStreamSign(config, 'publish', path, other, now), 'signature does not match this room');
    const sign = signStream(config, 'publish', key, now);
    const [ expires, hash ] = sign.split('-');
    // A later expiry with the old hash: the expiry is part of what is signed.
    assert.equal(checkStreamSign(config, 'publish', path, `${Number(expires) + 1000}-${hash}`, now), 'signature does not match this room');
    const flipped = hash.slice(0, -1) + (hash.endsWith('0') ? '1' : '0');
    assert.equal(checkStreamSign(config, 'publish', path, `${expires}-${flipped}`, now), 'signature does not match this room');
  });

  it('refuses missing and malformed signatures without throwing', () => {
    assert.equal(checkStreamSign(config, 'play', path, undefined, now), 'no signature');
    assert.equal(checkStreamSign(config, 'play', path, '', now), 'no signature');
    const sign = signStream(config, 'play', key, now);
    for (const bad of [ 'abc', '123', '-', `${sign}-1`, sign.toUpperCase(), ` ${sign}`, [ sign ], 42, { sign }, null ]) {
      assert.equal(checkStreamSign(config, 'play', path, bad, now), 'malformed signature', JSON.stringify(bad));
    }
  });

  it('knows a room stream path from any other', () => {
    assert.equal(roomKeyOf(`/live/${key}`), key);
    for (const other of [ `/other/${key}`, `/live/${key}x`, '/live/short', `/live/${key}/x`, `live/${key}`, '/live/', '' ]) {
      assert.equal(roomKeyOf(other), null, other);
    }
  });
});
