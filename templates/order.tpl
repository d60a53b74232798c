{{%AUTOESCAPE context="HTML"}}{{#has_notice}}<p class="alert info" role="status">{{notice}}</p>
{{/has_notice}}<section class="card order-head">
  <div class="order-title">
    <h1>订单 <span class="mono" id="order-no">{{order_no}}</span></h1>
    <button type="button" class="copy" data-copy="#order-no" title="复制订单号">复制</button>
    <span class="badge badge-{{status_tone}}">{{status_label}}</span>
    <span class="muted"><span title="{{channel}}">{{channel_label}}</span> · {{warehouse}} 仓</span>
  </div>
  <p class="items-line">{{items_summary}}</p>
{{#has_cases}}
  <ul class="case-strip" aria-label="未解决的异常">
{{#cases}}    <li><a href="{{url}}"><span class="badge badge-{{severity_tone}}">{{severity_label}}</span> <strong>{{kind_label}}</strong> <span class="badge badge-{{state_tone}}">{{state_label}}</span>{{#overdue}} <span class="badge badge-red">已超时</span>{{/overdue}}{{#escalated}} <span class="badge badge-orange">已升级</span>{{/escalated}} <span class="muted">{{facts}}</span></a></li>
{{/cases}}  </ul>
{{/has_cases}}
{{#totals_mismatch}}
  <p class="alert warn">金额对不上：商品小计、优惠、运费与应付金额不一致，请核实价格。</p>
{{/totals_mismatch}}
{{#revealed}}
  <p class="alert info">已显示完整个人信息：仅本次页面有效，查看记录已写入审计日志。</p>
{{/revealed}}
  <div class="head-grid">
    <dl class="facts">
      <div><dt>应付</dt><dd class="money strong">¥{{pay_amount}}</dd></div>
      <div><dt>实付</dt><dd class="money">¥{{paid_amount}}</dd></div>
      <div><dt>已退</dt><dd class="money">¥{{refunded_amount}}</dd></div>
      <div><dt>商品金额</dt><dd class="money">¥{{goods_amount}}</dd></div>
      <div><dt>活动优惠</dt><dd class="money">−¥{{discount_amount}}</dd></div>
      <div><dt>优惠券</dt><dd class="money">−¥{{coupon_amount}}</dd></div>
      <div><dt>运费</dt><dd class="money">¥{{shipping_fee}}</dd></div>
    </dl>
    <dl class="facts times">
      <div><dt>下单</dt><dd class="time">{{created_at}}</dd></div>
      <div><dt>付款</dt><dd class="time">{{paid_at}}</dd></div>
      <div><dt>发货</dt><dd class="time">{{shipped_at}}</dd></div>
      <div><dt>签收</dt><dd class="time">{{delivered_at}}</dd></div>
{{#has_completed}}      <div><dt>完成</dt><dd class="time">{{completed_at}}</dd></div>
{{/has_completed}}
{{#has_cancelled}}      <div><dt>取消</dt><dd class="time">{{cancelled_at}}</dd></div>
{{/has_cancelled}}
    </dl>
{{#receiver}}
    <div class="receiver">
      <h2>收货信息</h2>
      <p><strong>{{name}}</strong> <span class="mono" id="rphone">{{phone}}</span></p>
      <p>{{region}} <span id="raddr">{{detail}}</span></p>
    </div>
{{/receiver}}
  </div>
{{#can_reveal}}
  <details class="reveal">
    <summary>查看完整手机号和地址</summary>
    <form method="post" action="{{reveal_url}}">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <input type="hidden" name="tab" value="{{tab}}">
      <input name="reason" required minlength="2" maxlength="200" placeholder="查看原因，例如：客户来电核对收货地址" aria-label="查看原因">
      <button type="submit">查看（记入审计）</button>
    </form>
  </details>
{{/can_reveal}}
{{#has_remark}}
  <p class="remark">买家留言：{{remark}}</p>
{{/has_remark}}
{{#has_cancel_reason}}
  <p class="remark">取消原因：{{cancel_reason}}</p>
{{/has_cancel_reason}}
  <div class="actions" aria-label="当前可执行的操作">
    <span class="muted">可执行操作</span>
{{#actions}}
{{#valid}}    {{#has_url}}<a class="chip ok" href="{{url}}">{{label}}</a>{{/has_url}}{{#no_url}}<span class="chip" title="{{no_url_why}}">{{label}}</span>{{/no_url}}
{{/valid}}
{{/actions}}
    <span class="muted small">不可执行：{{#actions}}{{#invalid}}<span title="{{why_not}}" class="chip off">{{label}}</span>{{/invalid}}{{/actions}}</span>
  </div>
</section>

<nav class="tabs" aria-label="订单信息">
{{#tabs}}  <a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>
{{/tabs}}
</nav>

{{#overview}}
<div class="overview">
{{#customer}}
  <section class="card customer">
    <h2>顾客</h2>
    <p class="who-line"><strong>{{name}}</strong> <span class="mono">{{phone}}</span> <span class="badge badge-{{level_tone}}">{{level}}</span></p>
    <p class="muted">用户 ID {{id}} · 注册于 {{registered_at}}</p>
    <dl class="counts">
      <div><dt>订单</dt><dd>{{orders}}</dd></div>
      <div><dt>取消</dt><dd>{{cancels}}</dd></div>
      <div><dt>退款</dt><dd>{{refunds}}</dd></div>
      <div><dt>异常</dt><dd>{{anomalies}}</dd></div>
    </dl>
    <h3>最近的其他订单</h3>
    <table class="grid compact">
      <tbody>
{{#recent}}
        <tr><td><a class="mono" href="{{url}}">{{order_no}}</a></td><td><span class="badge badge-{{status_tone}}">{{status_label}}</span></td><td class="num">¥{{amount}}</td><td class="time" title="{{created_at}}">{{date}}</td></tr>
{{/recent}}
      </tbody>
    </table>
    <p><a href="{{search_url}}">查看该用户的全部订单 →</a></p>
  </section>
{{/customer}}
  <section class="card timeline">
    <h2>时间线</h2>
    <ol class="tl">
{{#timeline}}
      <li class="tl-{{kind}}{{#console}} tl-console{{/console}}">
        <time>{{at}}</time>
        <div><span class="badge badge-{{actor_tone}}">{{actor_label}}</span> <span class="actor" title="{{actor}}">{{actor_name}}</span>
{{#single}}        <p>{{text}}</p>
{{/single}}{{#group}}        <details class="tl-group"><summary>{{text}}{{#spans}}<span class="muted small">（{{since}} 起）</span>{{/spans}}</summary>
          <ol class="tl-moves">
{{#moves}}            <li><time>{{at}}</time> <span title="{{actor}}">{{actor_name}}</span> {{text}}</li>
{{/moves}}          </ol>
        </details>
{{/group}}        </div>
      </li>
{{/timeline}}
    </ol>
  </section>
</div>
{{/overview}}

{{#items_tab}}
<section class="card">
  <h2>商品</h2>
  <table class="grid">
    <thead><tr><th>SKU</th><th>商品</th><th class="num">标价</th><th class="num">成交价</th><th class="num">成交/标价</th><th class="num">数量</th><th class="num">小计</th></tr></thead>
    <tbody>
{{#rows}}
      <tr{{#deviates}} class="flag"{{/deviates}}><td data-label="SKU" class="mono">{{sku}}</td><td data-label="商品">{{name}} <span class="muted">{{spec}}</span></td><td data-label="标价" class="num">¥{{list_price}}</td><td data-label="成交价" class="num">¥{{unit_price}}</td><td data-label="成交/标价" class="num">{{pct}}%{{#deviates}} <span class="badge badge-red">价格异常</span>{{/deviates}}</td><td data-label="数量" class="num">{{qty}}</td><td data-label="小计" class="num">¥{{amount}}</td></tr>
{{/rows}}
    </tbody>
  </table>
  <p class="muted small">成交价低于标价 {{low_pct}}% 或高于 {{high_pct}}% 时标红。</p>
</section>
{{/items_tab}}

{{#payments_tab}}
<section class="card">
  <h2>支付</h2>
  <table class="grid">
    <thead><tr><th>支付单号</th><th>渠道</th><th>交易号</th><th class="num">金额</th><th>状态</th><th>失败原因</th><th>发起</th><th>完成</th></tr></thead>
    <tbody>
{{#payments}}
      <tr><td data-label="支付单号" class="mono">{{payment_no}}</td><td data-label="渠道" title="{{channel}}">{{channel_label}}</td><td data-label="交易号" class="mono">{{trade_no}}</td><td data-label="金额" class="num">¥{{amount}}</td><td data-label="状态"><span class="badge badge-{{status_tone}}">{{status_label}}</span></td><td data-label="失败原因">{{#has_failure}}<span title="{{failure}}">{{failure_label}}</span> <span class="muted small">{{failure_message}}</span>{{/has_failure}}</td><td data-label="发起" class="time">{{created_at}}</td><td data-label="完成" class="time">{{paid_at}}</td></tr>
{{/payments}}{{#no_payments}}      <tr><td colspan="8" class="empty">无</td></tr>
{{/no_payments}}
    </tbody>
  </table>
  <h2>退款</h2>
  <table class="grid">
    <thead><tr><th>退款单号</th><th class="num">金额</th><th>原因</th><th>状态</th><th>申请</th><th>完成</th></tr></thead>
    <tbody>
{{#refunds}}
      <tr><td data-label="退款单号" class="mono">{{refund_no}}</td><td data-label="金额" class="num">¥{{amount}}</td><td data-label="原因">{{reason}}</td><td data-label="状态"><span class="badge badge-{{status_tone}}">{{status_label}}</span></td><td data-label="申请" class="time">{{created_at}}</td><td data-label="完成" class="time">{{completed_at}}</td></tr>
{{/refunds}}{{#no_refunds}}      <tr><td colspan="6" class="empty">无</td></tr>
{{/no_refunds}}
    </tbody>
  </table>
</section>
{{/payments_tab}}

{{#shipments_tab}}
{{#parcels}}
<section class="card parcel">
  <h2><span title="{{carrier}}">{{carrier_label}}</span> <span class="mono">{{tracking_no}}</span> <span class="badge badge-{{status_tone}}">{{status_label}}</span></h2>
  <p class="muted">{{warehouse}} 仓发出 · 发货 {{shipped_at}}{{#has_delivered}} · 签收 {{delivered_at}}{{/has_delivered}}{{#has_last_event}} · 最近轨迹 {{last_event_at}}（{{hours_since_event}} 小时前）{{/has_last_event}}</p>
  <ol class="tl">
{{#events}}
    <li{{#problem}} class="flag"{{/problem}}><time>{{at}}</time><div><p>{{description}}</p><span class="muted small">{{location}} · {{code_label}}</span></div></li>
{{/events}}
  </ol>
</section>
{{/parcels}}
{{#none}}<section class="card"><p class="empty">这个订单还没有发货，没有物流信息。</p></section>{{/none}}
{{/shipments_tab}}

{{#inventory_tab}}
<section class="card">
  <h2>库存（本单发货仓）</h2>
  <table class="grid">
    <thead><tr><th>SKU</th><th>商品</th><th>仓库</th><th class="num">在库</th><th class="num">已锁定</th><th class="num">可用</th></tr></thead>
    <tbody>
{{#stock}}
      <tr{{#record}}{{#short}} class="flag"{{/short}}{{/record}}><td data-label="SKU" class="mono">{{sku}}</td><td data-label="商品">{{name}}</td><td data-label="仓库">{{warehouse}}</td>{{#no_record}}<td colspan="3" class="muted">仓库中没有这个 SKU 的记录</td>{{/no_record}}{{#record}}<td data-label="在库" class="num">{{on_hand}}</td><td data-label="已锁定" class="num">{{reserved}}</td><td data-label="可用" class="num">{{available}}{{#short}} <span class="badge badge-red">缺货</span>{{/short}}</td>{{/record}}</tr>
{{/stock}}
    </tbody>
  </table>
  <h2>本单相关的库存变动</h2>
  <table class="grid">
    <thead><tr><th>时间</th><th>SKU</th><th>仓库</th><th>类型</th><th class="num">数量</th></tr></thead>
    <tbody>
{{#moves}}
      <tr><td data-label="时间" class="time">{{at}}</td><td data-label="SKU" class="mono">{{sku}}</td><td data-label="仓库">{{warehouse}}</td><td data-label="类型" title="{{kind}}">{{kind_label}}</td><td data-label="数量" class="num">{{qty}}</td></tr>
{{/moves}}{{#no_moves}}      <tr><td colspan="5" class="empty">无</td></tr>
{{/no_moves}}
    </tbody>
  </table>
</section>
{{/inventory_tab}}

{{#coupons_tab}}
<section class="card">
  <h2>使用的优惠券</h2>
  <table class="grid">
    <thead><tr><th>券码</th><th>名称</th><th>规则</th><th>有效期</th><th class="num">抵扣</th><th>使用时间</th></tr></thead>
    <tbody>
{{#coupons}}
      <tr><td data-label="券码" class="mono">{{code}}</td><td data-label="名称">{{name}}</td><td data-label="规则">{{rule}}</td><td data-label="有效期" class="time">{{valid_from}} ~ {{valid_to}}</td><td data-label="抵扣" class="num">¥{{amount}}</td><td data-label="使用时间" class="time">{{used_at}}</td></tr>
{{/coupons}}{{#none}}      <tr><td colspan="6" class="empty">无</td></tr>
{{/none}}
    </tbody>
  </table>
</section>
{{/coupons_tab}}

{{#activity_tab}}
<section class="card">
  <h2>下单前后 {{window_hours}} 小时内的用户行为</h2>
  <table class="grid">
    <thead><tr><th>时间</th><th>行为</th><th>详情</th><th>设备</th><th></th></tr></thead>
    <tbody>
{{#events}}
      <tr{{#this_order}} class="mark"{{/this_order}}><td data-label="时间" class="time">{{at}}</td><td data-label="行为" title="{{kind}}">{{kind_label}}</td><td data-label="详情">{{detail}}</td><td data-label="设备">{{device}}</td><td>{{#this_order}}<span class="badge badge-blue">本单</span>{{/this_order}}</td></tr>
{{/events}}{{#none}}      <tr><td colspan="5" class="empty">无</td></tr>
{{/none}}
    </tbody>
  </table>
</section>
{{/activity_tab}}

{{#history_tab}}
<section class="card">
  <h2>状态历史</h2>
  <table class="grid">
    <thead><tr><th>时间</th><th>变更</th><th>操作方</th><th>备注</th></tr></thead>
    <tbody>
{{#changes}}
      <tr><td data-label="时间" class="time">{{at}}</td><td data-label="变更">{{#has_from}}{{from}} → {{/has_from}}{{to}}</td><td data-label="操作方">{{actor_label}} <span title="{{actor}}">{{actor_name}}</span></td><td data-label="备注">{{note}}</td></tr>
{{/changes}}{{#none}}      <tr><td colspan="4" class="empty">无</td></tr>
{{/none}}
    </tbody>
  </table>
</section>
{{/history_tab}}
