{{%AUTOESCAPE context="HTML"}}<section class="card">
  <h1>订单搜索</h1>
  <form class="searchbox" action="{{u_search}}" method="get" role="search">
    <input type="search" name="q" value="{{q}}" placeholder="订单号" aria-label="订单号" maxlength="200" autofocus>
    <button type="submit">搜索</button>
  </form>
{{#errors}}{{#q}}<p class="field-error">{{q}}</p>{{/q}}{{/errors}}
</section>
<section class="card">
  <table class="grid">
    <thead><tr><th>订单号</th><th>用户</th><th class="num">金额</th><th>状态</th><th>下单时间</th></tr></thead>
    <tbody>
{{#rows}}
      <tr>
        <td><a href="{{url}}" class="mono">{{order_no}}</a></td>
        <td>{{user}}</td>
        <td class="num">¥{{amount}}</td>
        <td><span class="badge badge-{{status_tone}}">{{status_label}}</span></td>
        <td class="time">{{created_at}}</td>
      </tr>
{{/rows}}
    </tbody>
  </table>
{{#none}}<p class="empty">没有找到订单。</p>{{/none}}
</section>
