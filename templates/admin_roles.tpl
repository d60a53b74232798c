{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
<section class="card">
  <h1>角色与权限</h1>
  <p class="muted small">勾选后点该列下方的「保存」。减少权限立即生效；增加权限时，该角色的账号需重新登录（会话编号随之更换）。「管理员」角色必须保留「系统管理」权限。</p>
{{#err_role}}  <p class="field-error" role="alert">{{message}}</p>
{{/err_role}}
  <div class="table-scroll">
  <table class="grid perm-grid">
    <thead><tr><th>权限</th>{{#roles}}<th class="role-col" title="{{name}}">{{title}}<br><span class="muted small">{{agents}} 个账号</span></th>{{/roles}}</tr></thead>
    <tbody>
{{#grid}}
      <tr><th scope="row" title="{{perm}}">{{perm_title}}</th>
{{#cells}}        <td class="role-col"><input type="checkbox" name="perm" value="{{perm}}" form="{{form}}" aria-label="{{role}}: {{perm}}"{{#on}} checked{{/on}}{{#locked}} disabled{{/locked}}>{{#locked}}<input type="hidden" name="perm" value="{{perm}}" form="{{form}}">{{/locked}}</td>
{{/cells}}      </tr>
{{/grid}}
    </tbody>
    <tfoot><tr><th>名称</th>
{{#roles}}      <td class="role-col"><form id="{{form}}" method="post" action="{{action}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input name="title" value="{{title}}" maxlength="64" size="8" aria-label="{{name}} 的名称">
        <button type="submit" class="small">保存</button>
      </form></td>
{{/roles}}    </tr></tfoot>
  </table>
  </div>
</section>
{{#new}}
<section class="card">
  <h2>新建角色</h2>
  <form method="post" action="{{action}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>代码（2 到 32 个小写字母或 _） <input name="name" value="{{name}}" maxlength="32" required pattern="[a-z_]{2,32}" placeholder="例如 night_shift"></label>
{{#err_name}}    <p class="field-error">{{message}}</p>
{{/err_name}}
    <label>名称 <input name="title" value="{{title}}" maxlength="64" required placeholder="例如 夜班客服"></label>
{{#err_title}}    <p class="field-error">{{message}}</p>
{{/err_title}}
    <div class="filter-row"><span class="filter-label">权限</span>
{{#perms}}      <label class="check"><input type="checkbox" name="perm" value="{{name}}"{{#checked}} checked{{/checked}}> {{title}}</label>
{{/perms}}
    </div>
{{#err_perm}}    <p class="field-error">{{message}}</p>
{{/err_perm}}
    <button type="submit" class="primary">创建角色</button>
  </form>
</section>
{{/new}}
