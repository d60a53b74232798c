{{%AUTOESCAPE context="HTML"}}<section class="card error-page">
  <p class="status-code">{{status}}</p>
  <h1>{{title}}</h1>
  <p>{{message}}</p>
{{#signed_in}}
  <form class="searchbox" action="{{u_search}}" method="get" role="search">
    <input type="search" name="q" placeholder="订单号 / 手机号 / 用户ID / 商品名" aria-label="搜索订单" autofocus>
    <button type="submit">搜索</button>
  </form>
{{/signed_in}}
  <p class="muted">如需帮助，请把请求编号 <code>{{request_id}}</code> 告诉管理员。</p>
</section>
