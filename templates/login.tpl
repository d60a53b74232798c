{{%AUTOESCAPE context="HTML"}}<section class="card login">
  <h1>ordermend <span>订单工作台</span></h1>
  <p class="muted">订单异常处理后台 · 请使用工作账号登录</p>
{{#error}}
  <p class="alert danger" role="alert">{{error}}</p>
{{/error}}
  <form action="{{action}}" method="post">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="next" value="{{next}}">
    <label for="login">账号</label>
    <input id="login" name="login" value="{{login}}" autocomplete="username" required maxlength="64" autofocus>
{{#errors}}{{#login}}<p class="field-error">{{login}}</p>{{/login}}{{/errors}}
    <label for="password">密码</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
{{#errors}}{{#password}}<p class="field-error">{{password}}</p>{{/password}}{{/errors}}
    <button type="submit" class="primary">登录</button>
  </form>
</section>
