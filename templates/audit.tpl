{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
<section class="card">
  <h1>审计日志</h1>
  <form action="{{u_search}}" method="get" class="audit-filters">
    <div class="filter-row">
      <label>账号 <input name="agent" value="{{agent}}" size="12" maxlength="64" placeholder="登录名"></label>
      <label>订单号 <input name="order" value="{{order}}" size="18" maxlength="32" inputmode="numeric"></label>
      <label>类型
        <select name="kind">
          <option value="">全部</option>
{{#kinds}}          <option value="{{code}}" title="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/kinds}}
        </select>
      </label>
      <label>时间 <input name="from" value="{{from}}" size="16" maxlength="16" placeholder="2026-11-01"></label>
      <label>至 <input name="to" value="{{to}}" size="16" maxlength="16" placeholder="2026-11-23 18:00"></label>
      <button type="submit" class="primary">查询</button>
      <a href="{{csv}}" class="button-link">导出 CSV</a>
    </div>
{{#err_agent}}    <p class="field-error">账号：{{message}}</p>
{{/err_agent}}{{#err_order}}    <p class="field-error">订单号：{{message}}</p>
{{/err_order}}{{#err_kind}}    <p class="field-error">类型：{{message}}</p>
{{/err_kind}}{{#err_from}}    <p class="field-error">开始时间：{{message}}</p>
{{/err_from}}{{#err_to}}    <p class="field-error">结束时间：{{message}}</p>
{{/err_to}}{{#err_before}}    <p class="field-error">{{message}}</p>
{{/err_before}}
  </form>
</section>
<section class="card">
  <table class="grid audit">
    <thead><tr><th>时间</th><th>账号</th><th>类型</th><th>订单号</th><th>对象</th><th>详情</th><th>IP</th><th>请求编号</th></tr></thead>
    <tbody>
{{#rows}}
      <tr><td data-label="时间" class="time" title="{{at}}">{{at_short}}</td><td data-label="账号" class="mono" title="{{login}}">{{who}}</td><td data-label="类型" title="{{kind}}">{{kind_label}}</td>
        <td data-label="订单号">{{#has_order}}<a href="{{order_url}}" class="mono">{{order_no}}</a>{{/has_order}}</td><td data-label="对象" class="small" title="{{target}}">{{target_label}}</td><td data-label="详情" class="small detail">{{detail}}</td><td data-label="IP" class="mono small">{{ip}}</td><td data-label="请求编号" class="mono small">{{request_id}}</td></tr>
{{/rows}}
    </tbody>
  </table>
{{#none}}  <p class="empty">没有符合条件的记录。</p>
{{/none}}
  <p class="pager">{{#paged}}<a href="{{first}}">回到最新</a>{{/paged}}{{#has_next}} <a href="{{next}}" rel="next">更早的记录 →</a>{{/has_next}}</p>
</section>
