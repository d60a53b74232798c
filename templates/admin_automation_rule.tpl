{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
{{#stopped}}<p class="alert danger" role="status">全部自动处理已停止（{{switch_at}} {{switch_by}}）：这条规则即使启用也不会处理订单。<a href="{{list_url}}">去恢复</a></p>
{{/stopped}}<section class="card">
  <h1>{{name}} <span class="badge badge-{{action_tone}}">{{action_label}}</span> <span class="badge badge-{{state_tone}}">{{state_label}}</span></h1>
  <p>{{summary}}</p>
  <p class="muted small">最近修改 {{updated_at}} {{updated_by}} · <a href="{{list_url}}">全部规则</a></p>
{{#form}}
  <form method="post" action="{{post}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <h2>条件</h2>
    <label>异常类型 <select name="kind"><option value="">任意</option>{{#kinds}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></label>
{{#err_kind}}    <p class="field-error">{{message}}</p>
{{/err_kind}}    <label>金额不低于（元，可不填）<input name="min_amount" value="{{min_amount}}" inputmode="decimal" maxlength="20"></label>
{{#err_min_amount}}    <p class="field-error">{{message}}</p>
{{/err_min_amount}}    <label>金额低于（元，可不填）<input name="max_amount" value="{{max_amount}}" inputmode="decimal" maxlength="20"></label>
{{#err_max_amount}}    <p class="field-error">{{message}}</p>
{{/err_max_amount}}    <label>异常持续（小时）<input name="min_hours" value="{{min_hours}}" inputmode="numeric" maxlength="4"></label>
{{#err_min_hours}}    <p class="field-error">{{message}}</p>
{{/err_min_hours}}    <label>快递公司 <select name="carrier"><option value="">不限</option>{{#carriers}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/carriers}}</select></label>
{{#err_carrier}}    <p class="field-error">{{message}}</p>
{{/err_carrier}}    <label>SKU（可不填）<input name="sku" value="{{sku}}" maxlength="32"></label>
{{#err_sku}}    <p class="field-error">{{message}}</p>
{{/err_sku}}    <label>仓库（可不填）<input name="warehouse" value="{{warehouse}}" maxlength="16"></label>
{{#err_warehouse}}    <p class="field-error">{{message}}</p>
{{/err_warehouse}}    <label>下单渠道 <select name="channel"><option value="">不限</option>{{#channels}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/channels}}</select></label>
{{#err_channel}}    <p class="field-error">{{message}}</p>
{{/err_channel}}{{#soothe}}    <h2>短信与补偿</h2>
    <label>短信模板 <select name="sms_template"><option value="">请选择</option>{{#templates}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/templates}}</select></label>
{{#err_sms_template}}    <p class="field-error">{{message}}</p>
{{/err_sms_template}}    <label>优惠券金额（元）<input name="coupon_amount" value="{{coupon_amount}}" inputmode="decimal" maxlength="20"></label>
{{#err_coupon_amount}}    <p class="field-error">{{message}}</p>
{{/err_coupon_amount}}    <label>优惠券有效期（天）<input name="coupon_days" value="{{coupon_days}}" inputmode="numeric" maxlength="3"></label>
{{#err_coupon_days}}    <p class="field-error">{{message}}</p>
{{/err_coupon_days}}{{/soothe}}{{#restock}}    <h2>补货</h2>
    <label>同一 SKU 缺货订单达到（单）<input name="min_orders" value="{{min_orders}}" inputmode="numeric" maxlength="5"></label>
{{#err_min_orders}}    <p class="field-error">{{message}}</p>
{{/err_min_orders}}{{/restock}}    <h2>上限</h2>
    <label>每轮最多处理（单）<input name="pass_cap" value="{{pass_cap}}" inputmode="numeric" maxlength="5"></label>
{{#err_pass_cap}}    <p class="field-error">{{message}}</p>
{{/err_pass_cap}}    <label>每天最多处理（单）<input name="day_count" value="{{day_count}}" inputmode="numeric" maxlength="6"></label>
{{#err_day_count}}    <p class="field-error">{{message}}</p>
{{/err_day_count}}    <label>每天最多退还或补偿（元）<input name="day_amount" value="{{day_amount}}" inputmode="decimal" maxlength="20"></label>
{{#err_day_amount}}    <p class="field-error">{{message}}</p>
{{/err_day_amount}}    <label class="check"><input type="checkbox" name="enabled" value="1"{{#enabled}} checked{{/enabled}}> 启用这条规则</label>
    <div class="confirm-buttons"><button type="submit" class="primary">保存</button></div>
  </form>
{{/form}}
</section>
{{#dry}}
<section class="card">
  <h2>试运行 <span class="muted small">按已保存的设置，现在执行会怎样（不会提交任何操作）</span></h2>
  <p>符合条件 <strong>{{matched}}</strong> 单，其中可以处理 <strong>{{eligible}}</strong> 单（¥{{eligible_amount}}）；在上限内这一轮会处理 <strong class="dry-acts">{{acts}}</strong> 单，退还或补偿 <strong>¥{{amount}}</strong>。今天已处理 {{today_count}} 单、¥{{today_amount}}。</p>
{{#truncated}}  <p class="alert warn">符合条件的太多，只看了最早的一部分。</p>
{{/truncated}}  <div class="table-scroll">
  <table class="grid">
    <thead><tr><th>订单</th><th>异常单</th><th class="num">订单金额</th><th>将要执行</th><th class="num">退还或补偿</th><th>结果</th></tr></thead>
    <tbody>
{{#rows}}      <tr><td data-label="订单"><a href="{{order_url}}">{{order_no}}</a></td><td data-label="异常单"><a href="{{case_url}}">#{{case_id}}</a></td><td data-label="订单金额" class="num">¥{{order_amount}}</td><td data-label="将要执行">{{summary}}</td><td data-label="退还或补偿" class="num">¥{{amount}}</td><td data-label="结果">{{#acts}}<span class="badge badge-green">会处理</span>{{/acts}}{{#skipped}}<span class="badge badge-gray">不处理</span> <span class="small">{{skip}}</span>{{/skipped}}</td></tr>
{{/rows}}    </tbody>
  </table>
  </div>
{{#none}}  <p class="empty">现在没有符合条件的订单。</p>
{{/none}}
</section>
{{/dry}}
{{#backtest}}
<section class="card">
  <h2>回测 <span class="muted small">最近 {{days}} 天的异常单，这条规则会做什么</span></h2>
  <form method="get" action="{{post}}" class="inline-form"><label>天数 <input name="days" value="{{days}}" inputmode="numeric" size="3" maxlength="2"></label> <button type="submit" class="small">重新回测</button></form>
  <table class="grid">
    <tbody>
      <tr><th>会处理的订单</th><td class="num">{{orders}} 单</td></tr>
      <tr><th>提交的操作</th><td class="num">{{requests}} 个</td></tr>
      <tr><th>退还或补偿金额</th><td class="num">¥{{amount}}</td></tr>
      <tr><th>客服实际用同样方式处理</th><td class="num">{{same}} 单</td></tr>
      <tr><th>客服用其他方式处理</th><td class="num">{{different}} 单</td></tr>
      <tr><th>客服没有处理</th><td class="num">{{untouched}} 单</td></tr>
    </tbody>
  </table>
{{#truncated}}  <p class="alert warn">异常单太多，只回测了最早的一部分。</p>
{{/truncated}}
</section>
{{/backtest}}
