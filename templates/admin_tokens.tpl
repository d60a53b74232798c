{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
{{#new_token}}
<section class="card new-token" role="status">
  <h2>服务账号 <span title="{{login}}">{{agent_name}}</span> 的新 API 令牌「{{name}}」</h2>
  <p>令牌只显示这一次，请立即复制并交给使用它的脚本（{{days}} 天后失效）。请求时带上 <code>Authorization: Bearer 令牌</code>。</p>
  <p class="token-line"><code id="new-token">{{token}}</code> <button type="button" class="copy" data-copy="#new-token">复制</button></p>
</section>
{{/new_token}}
<section class="card">
  <h1>API 令牌</h1>
  <table class="grid">
    <thead><tr><th>账号</th><th>名称</th><th>权限</th><th>创建</th><th>到期</th><th>最近使用</th><th>状态</th><th></th></tr></thead>
    <tbody>
{{#tokens}}
      <tr><td data-label="账号"><a href="{{agent_url}}" title="{{login}}">{{agent_name}}</a>{{#service}} <span class="badge badge-purple">服务</span>{{/service}}</td><td data-label="名称">{{name}}</td><td data-label="权限" class="small" title="{{perms}}">{{perms_label}}</td>
        <td data-label="创建" class="time">{{created_at}}<br><span class="small" title="{{created_by}}">{{created_by_name}}</span></td><td data-label="到期" class="time">{{expires_at}}</td><td data-label="最近使用" class="time">{{last_used_at}}</td>
        <td data-label="状态">{{#active}}<span class="badge badge-green">有效</span>{{/active}}{{#revoked}}<span class="badge badge-gray">已吊销</span>{{/revoked}}{{#expired}}<span class="badge badge-gray">已过期</span>{{/expired}}</td>
        <td>{{#active}}<form method="post" action="{{revoke_url}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small">吊销</button></form>{{/active}}</td></tr>
{{/tokens}}
    </tbody>
  </table>
</section>
{{#new}}
<section class="card">
  <h2>为服务账号新建令牌</h2>
{{#no_services}}  <p class="muted">还没有启用中的服务账号。请先在「客服账号」中新建一个服务账号。</p>
{{/no_services}}
  <form method="post" action="{{action}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>服务账号
      <select name="agent" required>
        <option value="">请选择</option>
{{#services}}        <option value="{{id}}" title="{{login}}：{{perms}}"{{#selected}} selected{{/selected}}>{{name}}（{{perms_label}}）</option>
{{/services}}
      </select>
    </label>
{{#err_agent}}    <p class="field-error">{{message}}</p>
{{/err_agent}}
    <label>名称 <input name="name" value="{{name}}" maxlength="64" required placeholder="例如：工单同步脚本"></label>
{{#err_name}}    <p class="field-error">{{message}}</p>
{{/err_name}}
    <label>有效期 <input name="days" value="90" size="4" inputmode="numeric"> 天</label>
{{#err_days}}    <p class="field-error">{{message}}</p>
{{/err_days}}
    <div class="filter-row"><span class="filter-label">权限（不能超过服务账号自己的权限）</span>
{{#perms}}      <label class="check"><input type="checkbox" name="perm" value="{{name}}"{{#checked}} checked{{/checked}}> {{title}}</label>
{{/perms}}
    </div>
{{#err_perm}}    <p class="field-error">{{message}}</p>
{{/err_perm}}
    <button type="submit" class="primary">创建令牌</button>
  </form>
</section>
{{/new}}
