{{%AUTOESCAPE context="HTML"}}{{#new_token}}
<section class="card new-token" role="status">
  <h2>新的 API 令牌「{{name}}」</h2>
  <p>令牌只显示这一次，请立即复制并妥善保存（{{days}} 天后失效）。脚本请求时带上 <code>Authorization: Bearer 令牌</code>。</p>
  <p class="token-line"><code id="new-token">{{token}}</code> <button type="button" class="copy" data-copy="#new-token">复制</button></p>
</section>
{{/new_token}}
<section class="card">
  <h1>我的账户</h1>
  <dl class="facts">
    <div><dt>账号</dt><dd class="mono">{{login}}</dd></div>
    <div><dt>姓名</dt><dd>{{name}}</dd></div>
    <div><dt>角色</dt><dd>{{roles}}</dd></div>
    <div><dt>单笔退款/补偿上限</dt><dd class="money">¥{{max_refund}}</dd></div>
    <div><dt>每日上限</dt><dd class="money">¥{{daily_refund}}</dd></div>
  </dl>
  <p class="muted small" title="{{perms}}">权限：{{perms_label}}</p>
  <p><a href="{{u_password}}">修改密码</a></p>
</section>
<section class="card">
  <h2>登录中的会话</h2>
  <table class="grid">
    <thead><tr><th>登录时间</th><th>最近活动</th><th>IP</th><th>浏览器</th><th></th></tr></thead>
    <tbody>
{{#sessions}}
      <tr><td data-label="登录时间" class="time">{{created_at}}</td><td data-label="最近活动" class="time">{{last_seen_at}}</td><td data-label="IP" class="mono">{{ip}}</td><td data-label="浏览器" class="ua">{{user_agent}}</td>
        <td>{{#current}}<span class="badge badge-green">当前</span>{{/current}}
          <form method="post" action="{{end_url}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small">结束</button></form></td></tr>
{{/sessions}}
    </tbody>
  </table>
  <form method="post" action="{{u_end_all}}" class="inline">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit">在所有设备上退出</button>
  </form>
</section>
<section class="card">
  <h2>API 令牌</h2>
  <p class="muted small">供脚本调用：与页面相同的地址，加 <code>Accept: application/json</code>。令牌的权限不会超过你自己的权限。</p>
  <table class="grid">
    <thead><tr><th>名称</th><th>权限</th><th>创建</th><th>到期</th><th>最近使用</th><th>状态</th><th></th></tr></thead>
    <tbody>
{{#tokens}}
      <tr><td data-label="名称">{{name}}</td><td data-label="权限" class="small" title="{{perms}}">{{perms_label}}</td><td data-label="创建" class="time">{{created_at}}</td><td data-label="到期" class="time">{{expires_at}}</td><td data-label="最近使用" class="time">{{last_used_at}}</td>
        <td data-label="状态">{{#active}}<span class="badge badge-green">有效</span>{{/active}}{{#revoked}}<span class="badge badge-gray">已吊销</span>{{/revoked}}{{#expired}}<span class="badge badge-gray">已过期</span>{{/expired}}</td>
        <td>{{#active}}<form method="post" action="{{revoke_url}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small">吊销</button></form>{{/active}}</td></tr>
{{/tokens}}
    </tbody>
  </table>
  <h3>新建令牌</h3>
  <form method="post" action="{{u_tokens}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>名称 <input name="name" value="{{new_name}}" maxlength="64" required placeholder="例如：工单同步脚本"></label>
{{#err_name}}    <p class="field-error">{{message}}</p>
{{/err_name}}
    <label>有效期 <input name="days" value="90" size="4" inputmode="numeric"> 天</label>
{{#err_days}}    <p class="field-error">{{message}}</p>
{{/err_days}}
    <div class="filter-row"><span class="filter-label">权限</span>
{{#my_perms}}      <label class="check"><input type="checkbox" name="perm" value="{{name}}"{{#checked}} checked{{/checked}}> <span title="{{name}}">{{title}}</span></label>
{{/my_perms}}
    </div>
{{#err_perm}}    <p class="field-error">{{message}}</p>
{{/err_perm}}
    <button type="submit" class="primary">创建令牌</button>
  </form>
</section>
