{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
<section class="card">
  <h1>客服账号</h1>
  <table class="grid admin-agents">
    <thead><tr><th>账号</th><th>姓名</th><th>角色</th><th class="num">单笔上限</th><th class="num">每日上限</th><th>状态</th><th class="num">在线会话</th><th>最近登录</th></tr></thead>
    <tbody>
{{#agents}}
      <tr{{#disabled}} class="off"{{/disabled}}>
        <td data-label="账号"><a href="{{url}}" class="mono">{{login}}</a>{{#me}} <span class="badge badge-blue">我</span>{{/me}}</td>
        <td data-label="姓名">{{name}}</td>
        <td data-label="角色">{{role_titles}}</td>
        <td data-label="单笔上限" class="num money">¥{{max_refund}}</td>
        <td data-label="每日上限" class="num money">¥{{daily_refund}}</td>
        <td data-label="状态">{{#disabled}}<span class="badge badge-gray">已停用</span> {{/disabled}}{{#service}}<span class="badge badge-purple">服务账号</span> {{/service}}{{#must_change_password}}<span class="badge badge-amber">待改密码</span>{{/must_change_password}}</td>
        <td data-label="在线会话" class="num">{{sessions}}</td>
        <td data-label="最近登录" class="time">{{#has_last_login}}{{last_login}}{{/has_last_login}}</td>
      </tr>
{{/agents}}
    </tbody>
  </table>
</section>
{{#new}}
<section class="card" id="new-agent">
  <h2>新建账号</h2>
  <form method="post" action="{{action}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>账号 <input name="login" value="{{login}}" maxlength="32" required pattern="[a-z0-9_.\-]{2,32}" autocomplete="off" placeholder="例如 zhang.san"></label>
{{#err_login}}    <p class="field-error">{{message}}</p>
{{/err_login}}
    <label>姓名 <input name="name" value="{{name}}" maxlength="64" required></label>
{{#err_name}}    <p class="field-error">{{message}}</p>
{{/err_name}}
    <div class="filter-row"><span class="filter-label">角色</span>
{{#roles}}      <label class="check"><input type="checkbox" name="role" value="{{name}}"{{#checked}} checked{{/checked}}> {{title}}</label>
{{/roles}}
    </div>
{{#err_role}}    <p class="field-error">{{message}}</p>
{{/err_role}}
    <label>临时密码（8 到 128 个字符，首次登录时必须修改） <input name="password" type="password" minlength="8" maxlength="128" autocomplete="new-password"></label>
{{#err_password}}    <p class="field-error">{{message}}</p>
{{/err_password}}
    <div class="filter-row">
      <label>单笔退款/补偿上限 ¥<input name="max_refund" value="{{max_refund}}" size="10" maxlength="16" inputmode="decimal"></label>
      <label>每日上限 ¥<input name="daily_refund" value="{{daily_refund}}" size="10" maxlength="16" inputmode="decimal"></label>
    </div>
{{#err_max_refund}}    <p class="field-error">单笔上限：{{message}}</p>
{{/err_max_refund}}{{#err_daily_refund}}    <p class="field-error">每日上限：{{message}}</p>
{{/err_daily_refund}}
    <label class="check"><input type="checkbox" name="service" value="1"{{#service}} checked{{/service}}> 服务账号（供脚本通过 API 令牌调用，不能登录；可不设密码）</label>
    <button type="submit" class="primary">创建账号</button>
  </form>
</section>
{{/new}}
