{{%AUTOESCAPE context="HTML"}}<section class="card order-head">
  <div class="order-title">
    <h1>订单 <span class="mono" id="order-no">{{order_no}}</span></h1>
    <span class="badge badge-{{status_tone}}">{{status_label}}</span>
  </div>
  <dl class="facts">
    <div><dt>用户</dt><dd>{{user}}</dd></div>
    <div><dt>应付</dt><dd>¥{{pay_amount}}</dd></div>
    <div><dt>实付</dt><dd>¥{{paid_amount}}</dd></div>
    <div><dt>已退</dt><dd>¥{{refunded_amount}}</dd></div>
    <div><dt>下单</dt><dd class="time">{{created_at}}</dd></div>
    <div><dt>付款</dt><dd class="time">{{paid_at}}</dd></div>
    <div><dt>发货</dt><dd class="time">{{shipped_at}}</dd></div>
    <div><dt>签收</dt><dd class="time">{{delivered_at}}</dd></div>
  </dl>
{{#remark}}<p class="remark">买家留言：{{remark}}</p>{{/remark}}
</section>
<section class="card">
  <h2>商品</h2>
  <table class="grid">
    <thead><tr><th>SKU</th><th>商品</th><th class="num">标价</th><th class="num">成交价</th><th class="num">数量</th><th class="num">小计</th></tr></thead>
    <tbody>
{{#items}}
      <tr><td class="mono">{{sku}}</td><td>{{name}} <span class="muted">{{spec}}</span></td><td class="num">¥{{list_price}}</td><td class="num">¥{{unit_price}}</td><td class="num">{{qty}}</td><td class="num">¥{{amount}}</td></tr>
{{/items}}
    </tbody>
  </table>
</section>
<section class="card">
  <h2>支付</h2>
  <table class="grid">
    <thead><tr><th>支付单号</th><th>渠道</th><th>交易号</th><th class="num">金额</th><th>状态</th><th>失败原因</th><th>时间</th></tr></thead>
    <tbody>
{{#payments}}
      <tr><td class="mono">{{payment_no}}</td><td>{{channel}}</td><td class="mono">{{trade_no}}</td><td class="num">¥{{amount}}</td><td><span class="badge badge-{{status_tone}}">{{status_label}}</span></td><td>{{failure_code}} {{failure_message}}</td><td class="time">{{created_at}}</td></tr>
{{/payments}}
    </tbody>
  </table>
</section>
<section class="card">
  <h2>物流</h2>
  <table class="grid">
    <thead><tr><th>快递</th><th>运单号</th><th>仓库</th><th>状态</th><th>发货</th><th>最近轨迹</th></tr></thead>
    <tbody>
{{#shipments}}
      <tr><td>{{carrier}}</td><td class="mono">{{tracking_no}}</td><td>{{warehouse}}</td><td><span class="badge badge-{{status_tone}}">{{status_label}}</span></td><td class="time">{{shipped_at}}</td><td class="time">{{last_event_at}}</td></tr>
{{/shipments}}
    </tbody>
  </table>
</section>
