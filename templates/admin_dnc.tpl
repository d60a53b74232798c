{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
<section class="card">
  <h1>免打扰名单 <span class="muted small">名单上的号码机器人不会拨打；客户在通话中要求不再来电时会自动加入</span></h1>
  <p class="small muted">号码只保存加密摘要和尾号，任何页面都不会显示完整号码。共 {{total}} 个号码。</p>
  <form action="{{post}}" method="get">
    <div class="filter-row">
      <label>按尾号查找 <input name="tail" value="{{tail}}" size="4" maxlength="4" inputmode="numeric" placeholder="1234"></label>
      <button type="submit">查找</button>
    </div>
{{#err_tail}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_tail}}
  </form>
</section>
<section class="card">
  <h2>加入号码</h2>
  <form method="post" action="{{post}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>手机号 <input name="phone" type="tel" maxlength="40" required autocomplete="off" placeholder="138 1234 5678"></label>
{{#err_phone}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_phone}}    <label>原因 <input name="reason" value="{{reason}}" maxlength="255" required placeholder="例如：客户来电要求不再接到外呼"></label>
{{#err_reason}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_reason}}    <div class="confirm-buttons"><button type="submit" class="primary">加入名单</button></div>
  </form>
</section>
<section class="card">
  <table class="grid">
    <thead><tr><th>号码</th><th>原因</th><th>加入人</th><th>加入时间</th><th></th></tr></thead>
    <tbody>
{{#rows}}      <tr><td data-label="号码" class="mono">尾号 {{tail}}</td><td data-label="原因">{{reason}}</td><td data-label="加入人" title="{{actor}}">{{who}}</td><td data-label="加入时间" class="time">{{at}}</td>
        <td class="row-actions"><form method="post" action="{{delete_url}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small danger">移出名单</button></form></td></tr>
{{/rows}}    </tbody>
  </table>
{{#none}}  <p class="empty">名单上没有号码。</p>
{{/none}}{{#more}}  <p class="small muted">只显示最新的 200 个，请按尾号查找其他号码。</p>
{{/more}}
</section>
