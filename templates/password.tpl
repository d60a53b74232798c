{{%AUTOESCAPE context="HTML"}}<section class="card login">
  <h1>修改密码</h1>
{{#forced}}
  <p class="alert warn" role="alert">管理员重置了你的密码，请先设置新密码再继续工作。</p>
{{/forced}}
  <form action="{{action}}" method="post">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="current">当前密码</label>
    <input id="current" name="current" type="password" autocomplete="current-password" required>
{{#err_current}}<p class="field-error">{{message}}</p>{{/err_current}}
    <label for="password">新密码（8 到 128 个字符）</label>
    <input id="password" name="password" type="password" autocomplete="new-password" minlength="8" maxlength="128" required>
{{#err_password}}<p class="field-error">{{message}}</p>{{/err_password}}
    <label for="confirm">再次输入新密码</label>
    <input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
{{#err_confirm}}<p class="field-error">{{message}}</p>{{/err_confirm}}
    <button type="submit" class="primary">保存新密码</button>
  </form>
  <p class="muted small">修改后，所有设备上的登录都会结束，本浏览器会自动重新登录。</p>
</section>
