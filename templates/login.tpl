{{%AUTOESCAPE context="HTML"}}<section class="card login">
  <h1>ordermend <span>订单工作台</span></h1>
  <p class="muted">订单异常处理后台 · 请使用工作账号登录</p>
{{#failure}}
  <p class="alert danger" role="alert">{{message}}</p>
{{/failure}}
  <form action="{{action}}" method="post">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="next" value="{{next}}">
    <label for="login">账号</label>
    <input id="login" name="login" value="{{login}}" autocomplete="username" required maxlength="64" autofocus>
{{#err_login}}<p class="field-error">{{message}}</p>{{/err_login}}
    <label for="password">密码</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
{{#err_password}}<p class="field-error">{{message}}</p>{{/err_password}}
    <button type="submit" class="primary">登录</button>
  </form>
</section>
