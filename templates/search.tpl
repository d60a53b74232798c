{{%AUTOESCAPE context="HTML"}}<section class="card search">
  <form action="{{u_search}}" method="get" role="search">
    <div class="searchbox">
      <input type="search" name="q" value="{{q}}" maxlength="200" autofocus
        placeholder="订单号 / 手机号 / 姓名 / 运单号 / 支付单号 / 用户ID（u12345）/ 商品名称" aria-label="搜索订单"
        aria-describedby="search-help">
      <button type="submit" class="primary">搜索</button>
    </div>
{{#err_q}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_q}}{{#err_as}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_as}}
    <p id="search-help" class="muted small">手机号可带空格、横线或 +86；订单号可输入前 6 位以上；手机尾号 4 位需同时选择时间、状态、金额或快递；用户 ID 加前缀 u；姓名需输入全名。</p>
    <fieldset class="filters">
      <legend>筛选</legend>
      <div class="filter-row">
        <span class="filter-label">状态</span>
{{#statuses}}        <label class="check"><input type="checkbox" name="status" value="{{code}}"{{#checked}} checked{{/checked}}> {{label}}</label>
{{/statuses}}
      </div>
{{#err_status}}      <p class="field-error">{{message}}</p>
{{/err_status}}
      <div class="filter-row">
        <label>下单时间 <input name="from" value="{{from}}" placeholder="2026-11-01" size="16" maxlength="16" inputmode="numeric"></label>
        <label>至 <input name="to" value="{{to}}" placeholder="2026-11-23 18:00" size="16" maxlength="16" inputmode="numeric"></label>
        <label>金额 ¥<input name="min" value="{{min}}" placeholder="最低" size="8" maxlength="16" inputmode="decimal"></label>
        <label>至 ¥<input name="max" value="{{max}}" placeholder="最高" size="8" maxlength="16" inputmode="decimal"></label>
        <label class="check"><input type="checkbox" name="anomaly" value="1"{{#anomaly}} checked{{/anomaly}}> 只看有异常的订单</label>
        <label>快递
          <select name="carrier">
            <option value="">全部</option>
{{#carriers}}            <option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>
{{/carriers}}
          </select>
        </label>
      </div>
{{#err_from}}      <p class="field-error">开始时间：{{message}}</p>
{{/err_from}}{{#err_to}}      <p class="field-error">结束时间：{{message}}</p>
{{/err_to}}{{#err_min}}      <p class="field-error">最低金额：{{message}}</p>
{{/err_min}}{{#err_max}}      <p class="field-error">最高金额：{{message}}</p>
{{/err_max}}{{#err_carrier}}      <p class="field-error">{{message}}</p>
{{/err_carrier}}{{#err_after}}      <p class="field-error">{{message}}</p>
{{/err_after}}
    </fieldset>
  </form>
</section>
<section class="card results">
{{#answered}}  <p class="result-head"><strong>{{understood}}</strong> · 共 {{count_label}} 个订单{{#paged}} · <a href="{{first}}">回到第一页</a>{{/paged}}</p>
{{/answered}}{{#readings_above}}  <p class="readings muted small">{{readings_intro}}{{#readings}}{{#other}}<a href="{{url}}">{{said}}</a>{{#found}}（{{count_label}} 个订单）{{/found}}{{#empty}}（没有订单）{{/empty}} {{/other}}{{/readings}}</p>
{{/readings_above}}{{#answered}}
  <table class="grid" id="results">
    <thead><tr><th>订单号</th><th>用户</th><th>收货人</th><th>收货手机</th><th>商品</th><th class="num">金额</th><th>状态</th><th>异常</th><th>下单时间</th></tr></thead>
    <tbody>
{{#rows}}
      <tr>
        <td data-label="订单号"><a href="{{url}}" class="mono">{{order_no}}</a></td>
        <td data-label="用户">{{user}}</td>
        <td data-label="收货人">{{receiver}}</td>
        <td data-label="收货手机" class="mono">{{phone}}</td>
        <td data-label="商品" class="item">{{#item_hl}}{{before}}<mark>{{match}}</mark>{{after}}{{/item_hl}}{{#item_plain}}{{item}}{{/item_plain}}</td>
        <td data-label="金额" class="num">¥{{amount}}</td>
        <td data-label="状态"><span class="badge badge-{{status_tone}}">{{status_label}}</span></td>
        <td data-label="异常">{{#anomalies}}<span class="badge badge-red">{{value}}</span> {{/anomalies}}</td>
        <td data-label="下单时间" class="time">{{created_at}}</td>
      </tr>
{{/rows}}
    </tbody>
  </table>
{{#none}}  <p class="empty">{{none_message}}</p>
{{#has_without_filters}}  <p class="empty"><a href="{{without_filters}}">去掉筛选条件再查一次</a></p>
{{/has_without_filters}}{{/none}}
{{#has_pager}}  <p class="pager">{{#has_prev}}<a href="{{prev}}" rel="prev">← 上一页</a>{{/has_prev}}{{#has_next}} <a href="{{next}}" rel="next">下一页 →</a>{{/has_next}}</p>
{{/has_pager}}{{/answered}}{{#readings_below}}  <p class="readings">{{readings_intro}}{{#readings}}{{#other}}<a href="{{url}}">{{said}}</a>{{#found}}（{{count_label}} 个订单）{{/found}}{{#empty}}（没有订单）{{/empty}} {{/other}}{{/readings}}</p>
{{/readings_below}}</section>
