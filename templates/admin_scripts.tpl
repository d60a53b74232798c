{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
<section class="card">
  <h1>外呼话术 <span class="muted small">机器人外呼时说的话、允许拨打的时段，以及客户每种回答之后系统做什么</span></h1>
  <p class="small muted">客户的回答（意图）和随后的处理由系统决定，这里只显示，不能修改；每个话术都认得“要求不再来电”和“要求人工”。</p>
</section>
{{#scripts}}
<section class="card">
  <h2><a href="{{url}}">{{name}}</a> {{#enabled}}<span class="badge badge-green">启用</span>{{/enabled}}{{#disabled}}<span class="badge badge-gray">已停用</span>{{/disabled}} <span class="small muted">时段 {{window_start}}–{{window_end}}</span></h2>
  <p>{{purpose}}</p>
  <p class="remark">{{text}}</p>
  <table class="grid">
    <thead><tr><th>客户的回答</th><th>系统接着做</th></tr></thead>
    <tbody>
{{#intents}}      <tr><td data-label="客户的回答" title="{{intent}}">{{label}}{{#always}} <span class="small muted">（所有话术）</span>{{/always}}</td><td data-label="系统接着做"><span class="badge badge-{{does_tone}}" title="{{does}}">{{does_label}}</span></td></tr>
{{/intents}}    </tbody>
  </table>
  <p class="small"><a href="{{url}}">修改</a></p>
</section>
{{/scripts}}
{{#none}}<section class="card"><p class="empty">还没有外呼话术。</p></section>
{{/none}}
