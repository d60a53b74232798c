{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
{{#agent}}
<section class="card">
  <p class="muted small"><a href="{{u_agents}}">← 全部账号</a></p>
  <h1><span class="mono">{{login}}</span> · {{name}}
    {{#disabled}}<span class="badge badge-gray">已停用</span>{{/disabled}}{{#service}}<span class="badge badge-purple">服务账号</span>{{/service}}{{#must_change_password}}<span class="badge badge-amber">待改密码</span>{{/must_change_password}}</h1>
  <dl class="facts">
    <div><dt>角色</dt><dd>{{role_titles}}</dd></div>
    <div><dt>单笔退款/补偿上限</dt><dd class="money">¥{{max_refund}}</dd></div>
    <div><dt>每日上限</dt><dd class="money">¥{{daily_refund}}</dd></div>
    <div><dt>在线会话</dt><dd>{{sessions}}</dd></div>
    <div><dt>最近登录</dt><dd class="time">{{#has_last_login}}{{last_login}}{{/has_last_login}}</dd></div>
    <div><dt>创建时间</dt><dd class="time">{{created_at}}</dd></div>
{{#disabled}}    <div><dt>停用时间</dt><dd class="time">{{disabled_at}}</dd></div>
{{/disabled}}  </dl>
  <p class="muted small" title="{{perms}}">权限：{{perms_label}}</p>
  <p class="small"><a href="{{u_audit}}">此账号的操作记录</a>{{#service}} · <a href="{{u_tokens}}">为此服务账号创建 API 令牌</a>{{/service}}</p>
</section>
{{/agent}}
{{#edit}}
<section class="card">
  <h2>修改</h2>
  <form method="post" action="{{action}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>姓名 <input name="name" value="{{name}}" maxlength="64" required></label>
{{#err_name}}    <p class="field-error">{{message}}</p>
{{/err_name}}
    <div class="filter-row"><span class="filter-label">角色</span>
{{#roles}}      <label class="check"><input type="checkbox" name="role" value="{{name}}"{{#checked}} checked{{/checked}}> {{title}}</label>
{{/roles}}
    </div>
{{#err_role}}    <p class="field-error">{{message}}</p>
{{/err_role}}
    <div class="filter-row">
      <label>单笔退款/补偿上限 ¥<input name="max_refund" value="{{max_refund}}" size="10" maxlength="16" inputmode="decimal"></label>
      <label>每日上限 ¥<input name="daily_refund" value="{{daily_refund}}" size="10" maxlength="16" inputmode="decimal"></label>
    </div>
{{#err_max_refund}}    <p class="field-error">单笔上限：{{message}}</p>
{{/err_max_refund}}{{#err_daily_refund}}    <p class="field-error">每日上限：{{message}}</p>
{{/err_daily_refund}}
    <p class="muted small">修改角色后，此账号在所有设备上的登录都会结束，需重新登录。</p>
    <button type="submit" class="primary">保存</button>
  </form>
</section>
{{/edit}}
<section class="card">
  <h2>停用与启用</h2>
{{#agent}}{{#disabled}}
  <form method="post" action="{{u_enable}}" class="inline">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit">启用此账号</button>
  </form>
{{/disabled}}{{/agent}}
{{#can_disable}}
  <form method="post" action="{{u_disable}}" class="inline">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit" class="danger">停用此账号</button>
  </form>
  <p class="muted small">停用后立即结束此账号的所有登录，并吊销它的全部 API 令牌（重新启用后也不会恢复）。</p>
{{/can_disable}}{{#me}}  <p class="muted small">不能停用自己的账号。</p>
{{/me}}
{{#err_disable}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_disable}}
</section>
{{#can_reset}}<section class="card">
  <h2>重置密码</h2>
  <form method="post" action="{{u_password}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>临时密码（8 到 128 个字符） <input name="password" type="password" minlength="8" maxlength="128" autocomplete="new-password" required></label>
{{#err_password}}    <p class="field-error">{{message}}</p>
{{/err_password}}
    <p class="muted small">重置后此账号的所有登录立即结束；下次登录时必须先设置新密码。</p>
    <button type="submit">重置密码</button>
  </form>
</section>
{{/can_reset}}{{#me}}<section class="card">
  <h2>重置密码</h2>
  <p class="muted small">自己的密码请在「我的账户」中修改。</p>
{{#err_password}}  <p class="field-error">{{message}}</p>
{{/err_password}}
</section>
{{/me}}