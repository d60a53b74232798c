{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
<section class="card">
  <h1>{{name}} <span class="muted small" title="{{code}}">外呼话术</span></h1>
  <p class="muted small"><a href="{{list_url}}">← 全部话术</a></p>
{{#form}}
  <form method="post" action="{{post}}" class="stack-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label>名称 <input name="name" value="{{name}}" maxlength="64" required></label>
{{#err_name}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_name}}    <label>用途 <input name="purpose" value="{{purpose}}" maxlength="255" required></label>
{{#err_purpose}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_purpose}}    <label>话术（中文，机器人照此拨打）<textarea name="text" rows="4" maxlength="1000" required>{{text}}</textarea></label>
{{#err_text}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_text}}    <label>英文话术（可不填）<textarea name="text_en" rows="4" maxlength="2000">{{text_en}}</textarea></label>
{{#err_text_en}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_text_en}}    <div class="filter-row">
      <label>允许外呼从 <input name="window_start" value="{{window_start}}" size="5" maxlength="5" inputmode="numeric" placeholder="09:00"></label>
      <label>到 <input name="window_end" value="{{window_end}}" size="5" maxlength="5" inputmode="numeric" placeholder="20:00"></label>
    </div>
{{#err_window_start}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_window_start}}{{#err_window_end}}    <p class="field-error" role="alert">{{message}}</p>
{{/err_window_end}}    <label class="check"><input type="checkbox" name="enabled" value="1"{{#enabled}} checked{{/enabled}}> 启用这个话术</label>
    <div class="confirm-buttons"><button type="submit" class="primary">保存</button></div>
  </form>
{{/form}}
</section>
<section class="card">
  <h2>可用的变量</h2>
  <p class="small muted">在话术里写成双花括号，外呼时按订单填入；订单缺少话术用到的变量时，不能用这个话术外呼。</p>
  <table class="grid">
    <thead><tr><th>写法</th><th>填入</th></tr></thead>
    <tbody>
{{#vars}}      <tr><td data-label="写法" class="mono">{{written}}</td><td data-label="填入">{{label}}</td></tr>
{{/vars}}    </tbody>
  </table>
</section>
<section class="card">
  <h2>客户的回答 <span class="muted small">由系统决定，这里只显示，不能修改</span></h2>
  <table class="grid">
    <thead><tr><th>客户的回答</th><th>系统接着做</th></tr></thead>
    <tbody>
{{#intents}}      <tr><td data-label="客户的回答" title="{{intent}}">{{label}}{{#always}} <span class="small muted">（所有话术）</span>{{/always}}</td><td data-label="系统接着做"><span class="badge badge-{{does_tone}}" title="{{does}}">{{does_label}}</span></td></tr>
{{/intents}}    </tbody>
  </table>
</section>
