import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';
import { describeError, integer, MAX_ID, translate } from '../../../app/common/validation';

describe('test/app/common/validation.test.ts', () => {
  it('translate words parameter\'s messages in Chinese, with their arguments, and keeps one it does not know', () => {
    assert.equal(translate('required'), '不能为空');
    assert.equal(translate('length should bigger than %s', 5), '长度不能少于 5');
    assert.equal(translate('should be one of %s', 'play, pause'), '必须是 play, pause 之一');
    assert.equal(translate('something new %s', 'x'), 'something new x');
  });

  it('describeError leads with the field as people name it, or its key, or nothing', () => {
    assert.equal(describeError({ field: 'gift_id', message: '必须是整数' }), '礼物ID必须是整数');
    assert.equal(describeError({ field: 'no_such_field', message: '不能为空' }), 'no_such_field不能为空');
    assert.equal(describeError({ message: '请求参数必须是对象' }), '请求参数必须是对象');
    assert.equal(describeError({ field: 'title' }), '直播间标题');
  });

  describe('integer()', () => {
    // The first error of validating { id: value }, as egg-validate reports it (undefined when the value passes).
    const check = (value: unknown, rule = integer(1, MAX_ID)) => {
      const payload: Record<string, unknown> = { id: value };
      const errors = app.validator.validate({ id: rule }, payload) as Array<{ message: string }> | undefined;
      return { error: errors?.[0]?.message, value: payload.id };
    };

    it('takes integers, and strings of digits as the numbers they are', () => {
      assert.deepEqual(check(12), { error: undefined, value: 12 });
      assert.deepEqual(check('12'), { error: undefined, value: 12 });
      assert.deepEqual(check(MAX_ID), { error: undefined, value: MAX_ID });
    });

    it('refuses what only looks like an integer, and integers out of range', () => {
      for (const value of [ '12abc', '1.5', ' 1', '', 1.5, true, [ 1 ], {}]) {
        assert.equal(check(value).error, translate('should be an integer'), JSON.stringify(value));
      }
      assert.equal(check(0).error, translate('should bigger than %s', 1));
      assert.equal(check('-3').error, translate('should bigger than %s', 1));
      assert.equal(check(MAX_ID + 1).error, translate('should smaller than %s', MAX_ID));
    });

    it('takes extra rule options', () => {
      assert.equal(check(undefined, integer(1, 10, { required: false })).error, undefined);
      assert.equal(check(undefined).error, translate('required'));
    });
  });
});
