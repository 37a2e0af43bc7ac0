import { AdminController, Form, rules } from '../../lib/admin_controller';
import { integer } from '../../common/validation';
import { Gift } from '../../model/gift';
import { GiftFields } from '../../service/gift';

const GIFT_RULES = {
  name: { type: 'string', trim: true, min: 1, max: 30 },
  image: { ...rules.image, required: true, allowEmpty: false },
  coin: integer(0, 1000000000),
  hidden: { type: 'enum', values: [ '0', '1' ], required: false },
};

function giftForm(action: string, gift?: Gift): Form {
  return {
    action,
    submit: gift ? '保存' : '新增',
    fields: [
      { name: 'name', label: '名称', value: gift?.name ?? '', required: true },
      { name: 'image', label: '图片', type: 'image', value: gift?.image ?? '', required: true },
      { name: 'coin', label: '价格（金币）', type: 'number', value: gift?.coin ?? '', required: true },
      {
        name: 'hidden', label: '礼物列表', type: 'select', value: gift?.hidden ? '1' : '0',
        options: [{ value: '0', label: '显示' }, { value: '1', label: '隐藏' }],
      },
    ],
  };
}

export default class GiftController extends AdminController {
  // GET /admin/gift
  async index() {
    const paging = this.paging();
    const { rows, count } = await this.service.gift.adminList(paging.page, paging.limit);
    await this.table('礼物列表', {
      createUrl: '/admin/gift/create',
      columns: [ 'ID', '礼物', '价格（金币）', '礼物列表', '创建时间' ],
      rows: rows.map(gift => ({
        cells: [
          { text: gift.id },
          { text: gift.name, image: gift.image || undefined },
          { text: gift.coin },
          gift.hidden ? { text: '已隐藏', badge: 'grey' } : { text: '显示中', badge: 'green' },
          { text: gift.created_time },
        ],
        actions: [
          { label: '修改', url: `/admin/gift/edit/${gift.id}` },
          { label: '删除', url: `/admin/gift/delete/${gift.id}`, post: true, confirm: `删除礼物 ${gift.name}？`, style: 'danger' },
        ],
      })),
      pager: this.pager(count, paging),
    });
  }

  // GET /admin/gift/create
  async create() {
    await this.form('新增礼物', [ giftForm('/admin/gift') ], '/admin/gift');
  }

  // POST /admin/gift
  async save() {
    const gift = await this.service.gift.create(this.fields());
    this.done('新增成功', '/admin/gift', 'created gift %d (%s, %d coins)', gift.id, gift.name, gift.coin);
  }

  // GET /admin/gift/edit/:id
  async edit() {
    const gift = await this.service.gift.find(this.id());
    await this.form('修改礼物', [ giftForm(`/admin/gift/${gift.id}`, gift) ], '/admin/gift');
  }

  // POST /admin/gift/:id
  async update() {
    const id = this.id();
    const fields = this.fields();
    await this.service.gift.update(id, fields);
    this.done('修改成功', '/admin/gift', 'updated gift %d: %j', id, fields);
  }

  // POST /admin/gift/delete/:id: only a gift never sent (else it is refused: hide it instead).
  async delete() {
    const id = this.id();
    await this.service.gift.remove(id);
    this.done('删除成功', '/admin/gift', 'deleted gift %d', id);
  }

  private fields(): GiftFields {
    const body = this.body<{ name: string; image: string; coin: number; hidden?: string }>(GIFT_RULES);
    return { name: body.name, image: body.image, coin: body.coin, hidden: body.hidden === '1' };
  }
}
