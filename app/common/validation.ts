import { format } from 'node:util';

// parameter's messages in Chinese: course clients show them to people as they are.
const MESSAGES: Record<string, string> = {
  required: '不能为空',
  'should not be empty': '不能为空',
  'should be a string': '必须是字符串',
  'should be an integer': '必须是整数',
  'should be a number': '必须是数字',
  'should be a boolean': '必须是布尔值',
  'should be an object': '必须是对象',
  'should be an array': '必须是数组',
  'should be an email': '必须是邮箱地址',
  'should be a url': '必须是网址',
  'should bigger than %s': '不能小于 %s',
  'should smaller than %s': '不能大于 %s',
  'length should bigger than %s': '长度不能少于 %s',
  'length should smaller than %s': '长度不能超过 %s',
  'should match %s': '格式不正确',
  'should be one of %s': '必须是 %s 之一',
  'should equal to %s': '必须等于 %s',
  'the validated value should be a object': '请求参数必须是对象',
};

// Fields as people name them; a field missing here is shown by its key.
const FIELDS: Record<string, string> = {
  username: '用户名',
  password: '密码',
  repassword: '确认密码',
  title: '直播间标题',
  cover: '直播间封面',
  id: '直播间ID',
  live_id: '直播间ID',
  gift_id: '礼物ID',
  data: '弹幕内容',
  type: '类型',
  page: '页码',
  status: '状态',
  price: '充值金额',
  // The console's forms.
  nickname: '昵称',
  avatar: '头像',
  name: '名称',
  image: '图片',
  coin: '金币',
  amount: '调整金币',
  user_id: '用户ID',
  comment_id: '弹幕ID',
  seconds: '时长',
  reason: '原因',
  on: '开关',
};

// egg-validate's `translate` option (config.validate): parameter formats every message through it.
export function translate(template: string, ...args: unknown[]): string {
  return format(MESSAGES[template] ?? template, ...args);
}

// The message of one parameter error, led by the field's name: `用户名长度不能少于 5`.
export function describeError(error: { field?: string; message?: string }): string {
  const field = error.field ? FIELDS[error.field] ?? error.field : '';
  return `${field}${error.message ?? ''}`;
}

// Ids fit an unsigned INT column; anything larger names nothing.
export const MAX_ID = 4294967295;

// An integer from JSON, or from a path, query or form string of digits only ('12abc' and '1.5' stay invalid, where
// parameter's own convertType 'int' would read them as 12 and 1).
export function integer(min: number, max: number, extra: Record<string, unknown> = {}) {
  return {
    type: 'int',
    min,
    max,
    convertType: (value: unknown) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value),
    ...extra,
  };
}
