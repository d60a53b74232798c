{{%AUTOESCAPE context="HTML"}}<section class="card">
  <h1>静默规则</h1>
  <p class="muted">被静默的异常仍会记录，但在静默结束前不进入异常队列。</p>
  <table class="grid">
    <thead><tr><th>编号</th><th>条件</th><th>原因</th><th>创建人</th><th>创建时间</th><th>结束时间</th><th class="num">静默中</th><th></th></tr></thead>
    <tbody>
{{#silences}}      <tr{{#active}} class="active"{{/active}}>
        <td data-label="编号">{{id}}</td><td data-label="条件">{{matchers}}</td><td data-label="原因">{{reason}}</td><td data-label="创建人" title="{{by_login}}">{{by}}</td>
        <td data-label="创建时间" class="time">{{created_at}}</td>
        <td data-label="结束时间" class="time">{{#ended_early}}已于 {{ended_at}} 提前结束{{/ended_early}}{{#active}}{{ends_at}}{{/active}}</td>
        <td data-label="静默中" class="num">{{cases}}</td>
        <td>{{#can_end}}<form method="post" action="{{end_url}}"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small">提前结束</button></form>{{/can_end}}</td>
      </tr>
{{/silences}}
    </tbody>
  </table>
{{#none}}  <p class="empty">最近 7 天没有静默规则。</p>
{{/none}}
</section>
{{#can_silence}}
<section class="card">
  <h2>新建静默</h2>
  <form method="post" action="{{u_new}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="filter-row">
      <label>异常类型 <select name="kind"><option value="">任意</option>
{{#kind_choices}}        <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/kind_choices}}      </select></label>
      <label>快递 <select name="carrier"><option value="">任意</option>
{{#carrier_choices}}        <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/carrier_choices}}      </select></label>
      <label>SKU <input name="sku" value="{{sku}}" size="14" maxlength="32"></label>
      <label>仓库 <input name="warehouse" value="{{warehouse}}" size="8" maxlength="16"></label>
      <label>用户 ID <input name="user" value="{{user}}" size="10" maxlength="12" inputmode="numeric"></label>
      <label>订单号 <input name="order" value="{{order}}" size="18" maxlength="32"></label>
    </div>
{{#err_kind}}    <p class="field-error">{{message}}</p>
{{/err_kind}}{{#err_carrier}}    <p class="field-error">{{message}}</p>
{{/err_carrier}}{{#err_sku}}    <p class="field-error">{{message}}</p>
{{/err_sku}}{{#err_warehouse}}    <p class="field-error">{{message}}</p>
{{/err_warehouse}}{{#err_user}}    <p class="field-error">{{message}}</p>
{{/err_user}}{{#err_order}}    <p class="field-error">{{message}}</p>
{{/err_order}}
    <div class="filter-row">
      <label>时长 <input name="hours" value="{{hours}}" size="4" maxlength="3" inputmode="numeric"> 小时</label>
      <label>原因 <input name="reason" value="{{reason}}" size="48" maxlength="255" required placeholder="例如：中通华东分拨中心暴雪停运，已通知客户"></label>
      <button type="submit" class="primary">创建静默</button>
    </div>
{{#err_hours}}    <p class="field-error">{{message}}</p>
{{/err_hours}}{{#err_reason}}    <p class="field-error">{{message}}</p>
{{/err_reason}}
  </form>
</section>
{{/can_silence}}
