import assert from 'node:assert';
import { clientAddress } from '../../../app/common/client_address';

describe('test/app/common/client_address.test.ts', () => {
  it('counts an IPv4 client by its address, also when written IPv4-mapped', () => {
    assert.equal(clientAddress('203.0.113.7'), '203.0.113.7');
    assert.equal(clientAddress('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientAddress('::FFFF:127.0.0.1'), '127.0.0.1');
  });

  it('counts an IPv6 client by its /64, however the address is written', () => {
    const same = [ '2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0db8:0001:0002:0:0:0:9', '2001:DB8:1:2::abcd' ];
    for (const ip of same) assert.equal(clientAddress(ip), '2001:db8:1:2::/64', ip);
    assert.equal(clientAddress('2001:db8:1:3::1'), '2001:db8:1:3::/64');
    assert.equal(clientAddress('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientAddress('::1'), '0:0:0:0::/64');
  });
});
