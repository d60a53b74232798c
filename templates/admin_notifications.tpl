{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
<section class="card">
  <h1>通知频道 <span class="muted small">新事件、超时升级、操作多次失败、待审批，发到团队的聊天群</span></h1>
{{#err_name}}  <p class="field-error">{{message}}</p>
{{/err_name}}{{#err_kind}}  <p class="field-error">{{message}}</p>
{{/err_kind}}{{#err_url}}  <p class="field-error">{{message}}</p>
{{/err_url}}{{#err_secret}}  <p class="field-error">{{message}}</p>
{{/err_secret}}{{#err_event}}  <p class="field-error">{{message}}</p>
{{/err_event}}
{{#channels}}
  <form method="post" action="{{url}}" class="stack-form channel">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <h2>{{name}} <span class="badge badge-blue">{{kind_label}}</span>{{#disabled}} <span class="badge badge-gray">已停用</span>{{/disabled}}{{#signed}} <span class="badge badge-teal">已签名</span>{{/signed}}</h2>
    <p class="muted small">{{host}}… · 通知：{{events_label}} · 更新于 {{updated_at}}</p>
    <details><summary>修改</summary>
      <label>名称 <input name="name" value="{{name}}" maxlength="64" required></label>
      <label>类型 <select name="kind">{{#kinds}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></label>
      <label>机器人推送地址（原地址含令牌，不显示；留空则保留）<input name="url" maxlength="500" autocomplete="off"></label>
      <label>签名密钥（钉钉；留空则保留原来的）<input name="secret" maxlength="128" autocomplete="off"></label>
      <div class="filter-row"><span class="filter-label">通知</span>
{{#events}}        <label class="check"><input type="checkbox" name="event" value="{{code}}"{{#checked}} checked{{/checked}}> {{label}}</label>
{{/events}}      </div>
      <label class="check"><input type="checkbox" name="enabled" value="1"{{#enabled}} checked{{/enabled}}> 启用</label>
      <div class="confirm-buttons"><button type="submit" class="primary">保存</button></div>
    </details>
    <div class="confirm-buttons">
      <button type="submit" formaction="{{url}}/test" formnovalidate>发送测试消息</button>
      <button type="submit" formaction="{{url}}/delete" formnovalidate class="danger">删除</button>
    </div>
  </form>
{{/channels}}
{{#no_channels}}  <p class="empty">还没有通知频道。</p>
{{/no_channels}}
</section>
{{#new}}
<section class="card">
  <h2>新建频道</h2>
  <form method="post" action="{{post}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>名称 <input name="name" value="{{name}}" maxlength="64" required placeholder="例如：客服主管群"></label>
    <label>类型 <select name="kind">{{#kinds}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></label>
    <label>机器人推送地址 <input name="url" value="{{url_value}}" maxlength="500" required autocomplete="off" placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"></label>
    <label>签名密钥（钉钉的“加签”，可不填）<input name="secret" maxlength="128" autocomplete="off"></label>
    <div class="filter-row"><span class="filter-label">通知</span>
{{#events}}      <label class="check"><input type="checkbox" name="event" value="{{code}}"{{#checked}} checked{{/checked}}> {{label}}</label>
{{/events}}    </div>
    <label class="check"><input type="checkbox" name="enabled" value="1" checked> 启用</label>
    <div class="confirm-buttons"><button type="submit" class="primary">添加</button></div>
  </form>
</section>
{{/new}}
<section class="card">
  <h2>最近的通知</h2>
  <table class="grid">
    <thead><tr><th>时间</th><th>内容</th><th>状态</th><th class="num">尝试</th></tr></thead>
    <tbody>
{{#messages}}      <tr><td data-label="时间" class="time">{{at}}</td><td data-label="内容">{{summary}}{{#has_error}}<br><span class="small warn-text">{{error}}</span>{{/has_error}}</td><td data-label="状态"><span class="badge badge-{{state_tone}}">{{state_label}}</span></td><td data-label="尝试" class="num">{{attempts}}</td></tr>
{{/messages}}    </tbody>
  </table>
{{#no_messages}}  <p class="empty">无</p>
{{/no_messages}}
</section>
