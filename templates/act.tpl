{{%AUTOESCAPE context="HTML"}}<section class="card act">
  <p class="muted small"><a href="{{back}}">← 返回{{#has_case}}异常单 {{case}}{{/has_case}}</a> · <a href="{{order_url}}">订单 <span class="mono">{{order_no}}</span></a></p>
  <h1>{{kind_label}} <span class="badge badge-{{status_tone}}" title="{{status}}">{{status_label}}</span></h1>
  <p class="items-line">{{items}}</p>
  <dl class="facts">
    <div><dt>已付</dt><dd class="money">¥{{paid_amount}}</dd></div>
    <div><dt>已退</dt><dd class="money">¥{{refunded_amount}}</dd></div>
    <div><dt>可退</dt><dd class="money">¥{{held}}</dd></div>
    <div><dt>收货人</dt><dd>{{receiver}} {{phone}}</dd></div>
    <div><dt>地区</dt><dd>{{region}}</dd></div>
  </dl>
{{#has_in_flight}}
  <div class="alert info"><p>这个订单有进行中的操作：</p>
    <ul>{{#in_flight}}<li>{{summary}} <span class="badge badge-{{state_tone}}">{{state_label}}</span> <span class="time">{{at}}</span></li>{{/in_flight}}</ul>
  </div>
{{/has_in_flight}}
</section>
{{#invalid}}
<section class="card">
  <p class="alert warn" role="alert">现在不能{{kind_label}}：{{why_not}}。</p>
  <p><a href="{{back}}">返回</a></p>
</section>
{{/invalid}}
{{#valid}}
<section class="card">
  <form method="post" action="{{post}}" class="stack-form act-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="key" value="{{key}}">
{{#has_case}}    <input type="hidden" name="case" value="{{case}}">
{{/has_case}}
{{#err_key}}    <p class="field-error">{{message}}</p>
{{/err_key}}{{#err_case}}    <p class="field-error">{{message}}</p>
{{/err_case}}
{{#is_cancel}}
    <label>取消原因 <select name="reason" required><option value="">请选择</option>
{{#reasons}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/reasons}}    </select></label>
{{#err_reason}}    <p class="field-error">{{message}}</p>
{{/err_reason}}
    <label>说明（选“其他”时必填）<input name="note" value="{{note}}" maxlength="200"></label>
{{#err_note}}    <p class="field-error">{{message}}</p>
{{/err_note}}
{{#has_refund_note}}    <p class="alert info">{{refund_note}}</p>
{{/has_refund_note}}
{{/is_cancel}}
{{#is_refund}}
    <fieldset><legend>退回哪一笔付款</legend>
{{#payments}}      <label class="check pay-line"><input type="radio" name="payment" value="{{payment_no}}"{{#checked}} checked{{/checked}}{{#spent}} disabled{{/spent}}> {{channel}} <span class="mono">{{payment_no}}</span> ¥{{amount}} <span class="time">{{paid_at}}</span> · 可退 ¥{{refundable}}</label>
{{/payments}}
    </fieldset>
{{#duplicate}}    <p class="alert info">这个订单付了不止一次：默认退回后付的那一笔。</p>
{{/duplicate}}
{{#err_payment}}    <p class="field-error">{{message}}</p>
{{/err_payment}}
    <label>退款金额 ¥<input name="amount" value="{{amount}}" size="12" maxlength="20" inputmode="decimal" required></label>
{{#err_amount}}    <p class="field-error">{{message}}</p>
{{/err_amount}}
    <label>退款原因 <input name="reason" value="{{reason}}" maxlength="200" required></label>
{{#err_reason}}    <p class="field-error">{{message}}</p>
{{/err_reason}}
{{/is_refund}}
{{#is_compensate}}
    <label>补偿金额 ¥<input name="amount" value="{{amount}}" size="12" maxlength="20" inputmode="decimal" required> <span class="muted small">以优惠券发放，最多 ¥{{compensate_max}}</span></label>
{{#err_amount}}    <p class="field-error">{{message}}</p>
{{/err_amount}}
    <label>补偿原因 <select name="reason" required><option value="">请选择</option>
{{#reasons}}      <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/reasons}}    </select></label>
{{#err_reason}}    <p class="field-error">{{message}}</p>
{{/err_reason}}
    <label>说明（选“其他”时必填）<input name="note" value="{{note}}" maxlength="200"></label>
{{#err_note}}    <p class="field-error">{{message}}</p>
{{/err_note}}
    <label>有效期 <input name="days" value="{{days}}" size="4" maxlength="3" inputmode="numeric"> 天</label>
{{#err_days}}    <p class="field-error">{{message}}</p>
{{/err_days}}
{{/is_compensate}}
{{#is_address}}
{{#redirect}}    <p class="alert info">订单已发货：将作为快递改址请求发给快递公司。</p>
{{/redirect}}
    <label>收货人 <input name="name" value="{{f_name}}" maxlength="32" required></label>
{{#err_name}}    <p class="field-error">{{message}}</p>
{{/err_name}}
    <label>手机号 <input name="phone" value="{{f_phone}}" maxlength="20" inputmode="tel" autocomplete="off" placeholder="11 位手机号" required></label>
{{#err_phone}}    <p class="field-error">{{message}}</p>
{{/err_phone}}
    <div class="filter-row">
      <label>省份 <input name="province" value="{{f_province}}" size="8" maxlength="16" required></label>
      <label>城市 <input name="city" value="{{f_city}}" size="8" maxlength="16" required></label>
      <label>区县 <input name="district" value="{{f_district}}" size="8" maxlength="16" required></label>
    </div>
{{#err_province}}    <p class="field-error">{{message}}</p>
{{/err_province}}{{#err_city}}    <p class="field-error">{{message}}</p>
{{/err_city}}{{#err_district}}    <p class="field-error">{{message}}</p>
{{/err_district}}
    <label>详细地址 <input name="detail" value="{{f_detail}}" maxlength="120" required></label>
{{#err_detail}}    <p class="field-error">{{message}}</p>
{{/err_detail}}
{{/is_address}}
{{#is_price}}
    <table class="grid">
      <thead><tr><th>SKU</th><th>商品</th><th class="num">数量</th><th class="num">标价</th><th class="num">成交价</th><th>改为 ¥</th></tr></thead>
      <tbody>
{{#lines}}        <tr><td data-label="SKU" class="mono">{{sku}}</td><td data-label="商品">{{name}}</td><td data-label="数量" class="num">{{qty}}</td><td data-label="标价" class="num">¥{{list_price}}</td><td data-label="成交价" class="num">¥{{unit_price}}</td><td data-label="改为 ¥"><input name="{{field}}" value="{{value}}" size="10" maxlength="20" inputmode="decimal" aria-label="{{sku}} 的新价格">{{#has_error}}<span class="field-error">{{error}}</span>{{/has_error}}</td></tr>
{{/lines}}      </tbody>
    </table>
{{#paid}}    <p class="alert info">订单已付款：只能调低价格，差价原路退回。</p>
{{/paid}}
{{#err_price}}    <p class="field-error">{{message}}</p>
{{/err_price}}
    <label class="check"><input type="checkbox" name="agreed" value="1"{{#agreed}} checked{{/agreed}}> 客户已同意按新价格处理</label>
{{#err_agreed}}    <p class="field-error">{{message}}</p>
{{/err_agreed}}
{{/is_price}}
{{#is_bridge}}
    <p>系统先呼你的分机，你接起后再接通收货人；号码不会显示给你。通话记在订单的时间线上。</p>
    <label>你的分机号 <input name="extension" value="{{extension}}" size="8" maxlength="8" inputmode="numeric" required></label>
{{#err_extension}}    <p class="field-error">{{message}}</p>
{{/err_extension}}
{{/is_bridge}}
{{#is_sms}}
    <fieldset><legend>短信模板</legend>
{{#templates}}      <label class="check sms-line"><input type="radio" name="template" value="{{code}}"{{#checked}} checked{{/checked}}> <strong>{{label}}</strong><br><span class="muted small">{{preview}}</span></label>
{{/templates}}
    </fieldset>
{{#err_template}}    <p class="field-error">{{message}}</p>
{{/err_template}}
    <p class="muted small">发往收货人手机 {{phone}}。</p>
{{/is_sms}}
{{#is_restock}}
    <fieldset><legend>补哪件商品（{{warehouse}} 仓）</legend>
{{#lines}}      <label class="check"><input type="radio" name="sku" value="{{sku}}"{{#checked}} checked{{/checked}}> <span class="mono">{{sku}}</span> {{name}} · 可用库存 {{available}}{{#short}} <span class="badge badge-red">缺货</span>{{/short}}</label>
{{/lines}}
    </fieldset>
{{#err_sku}}    <p class="field-error">{{message}}</p>
{{/err_sku}}
    <label>补货数量 <input name="qty" value="{{qty}}" size="8" maxlength="6" inputmode="numeric" required> 件</label>
{{#err_qty}}    <p class="field-error">{{message}}</p>
{{/err_qty}}
{{/is_restock}}
    <div class="confirm-buttons">
      <button type="submit" class="primary">确认{{kind_label}}</button>
      <a href="{{back}}">取消</a>
    </div>
  </form>
</section>
{{/valid}}
