{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · ordermend</title>
<link rel="stylesheet" href="{{static}}/app.css">
<script src="{{static}}/app.js" defer></script>
</head>
<body>
{{#agent}}
<header class="topbar">
  <a class="brand" href="{{u_queue}}">ordermend<span>订单工作台</span></a>
  <nav class="mainnav" aria-label="主导航">
    <a href="{{u_queue}}"{{#nav}}{{#queue}} aria-current="page"{{/queue}}{{/nav}}>异常队列</a>
    <a href="{{u_search}}"{{#nav}}{{#search}} aria-current="page"{{/search}}{{/nav}}>订单搜索</a>
    <a href="{{u_actions}}"{{#nav}}{{#actions}} aria-current="page"{{/actions}}{{/nav}}>操作</a>
    <a href="{{u_calls}}"{{#nav}}{{#calls}} aria-current="page"{{/calls}}{{/nav}}>外呼</a>
{{#can_admin}}    <a href="{{u_admin}}"{{#nav}}{{#admin}} aria-current="page"{{/admin}}{{/nav}}>管理</a>
{{/can_admin}}  </nav>
  <form class="quicksearch" action="{{u_search}}" method="get" role="search">
    <input type="search" name="q" placeholder="订单号 / 手机号 / 用户ID / 商品名" aria-label="搜索订单" accesskey="s">
  </form>
  <div class="who">
    <a class="agent" href="{{u_account}}" title="{{login}}">{{name}}</a>
    <form action="{{u_logout}}" method="post">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button type="submit" class="link">退出</button>
    </form>
  </div>
</header>
{{/agent}}
{{#stale}}
<div class="banner warn" role="status">只读副本延迟约 {{minutes}} 分钟（{{seconds}} 秒）：本页数据可能不是最新的，操作前请再次核实。</div>
{{/stale}}
{{#replication_stopped}}
<div class="banner danger" role="status">只读副本的复制已停止：本页数据可能已过时，请联系管理员。</div>
{{/replication_stopped}}
<main>
{{>BODY}}
</main>
<footer class="foot">ordermend · 请求编号 <code>{{request_id}}</code></footer>
</body>
</html>
