{{%AUTOESCAPE context="HTML"}}<nav class="subnav" aria-label="管理">{{#subnav}}<a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/subnav}}</nav>
{{#stopped}}<p class="alert danger" role="status">全部自动处理已停止（{{switch_at}} {{switch_by}}）：已启用的规则也不会处理任何订单。</p>
{{/stopped}}<section class="card">
  <h1>自动处理 <span class="muted small">安全、重复的处理由规则自动完成，受每轮和每天的上限约束</span></h1>
  <p class="muted small">扫描程序每轮结束后执行已启用的规则，操作以规则的名义提交到待发送队列，在订单时间线和审计日志中显示为该规则。启用前可在规则页面查看试运行和过去 30 天的回测。</p>
  <div class="table-scroll">
  <table class="grid">
    <thead><tr><th>规则</th><th>条件与操作</th><th>状态</th><th class="num">今天单数 / 上限</th><th class="num">今天金额 / 上限</th><th class="num">每轮上限</th><th>最近修改</th></tr></thead>
    <tbody>
{{#rules}}      <tr>
        <td data-label="规则"><a href="{{url}}"><strong>{{name}}</strong></a><br><span class="badge badge-{{action_tone}}">{{action_label}}</span></td>
        <td data-label="条件与操作">{{summary}}</td>
        <td data-label="状态"><span class="badge badge-{{state_tone}}">{{state_label}}</span></td>
        <td data-label="今天单数 / 上限" class="num">{{today_count}} / {{day_count}}</td>
        <td data-label="今天金额 / 上限" class="num">¥{{today_amount}} / ¥{{day_amount}}</td>
        <td data-label="每轮上限" class="num">{{pass_cap}}</td>
        <td data-label="最近修改" class="time">{{updated_at}}<br><span class="small">{{updated_by}}</span></td>
      </tr>
{{/rules}}    </tbody>
  </table>
  </div>
</section>
<section class="card">
  <h2>总开关</h2>
{{#stopped}}  <form method="post" action="{{resume_url}}" class="inline-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p>恢复后，已启用的规则会在下一轮扫描后重新开始处理订单。</p>
    <div class="confirm-buttons"><button type="submit" class="primary">恢复自动处理</button></div>
  </form>
{{/stopped}}{{#running}}  <form method="post" action="{{stop_url}}" class="inline-form">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p>立即停止所有规则，不论各规则自己是否启用。已提交的操作不受影响。</p>
    <div class="confirm-buttons"><button type="submit" class="danger">停止全部自动处理</button></div>
  </form>
{{/running}}</section>
