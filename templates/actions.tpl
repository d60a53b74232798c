{{%AUTOESCAPE context="HTML"}}<section class="card">
  <h1>操作 <span class="muted small">发往订单、支付、优惠券、库存和短信服务的操作</span></h1>
  <nav class="tabs" aria-label="视图">
{{#views}}    <a href="{{url}}"{{#current}} aria-current="page"{{/current}}>{{label}}{{#has_count}} <span class="badge badge-blue">{{count}}</span>{{/has_count}}</a>
{{/views}}  </nav>
  <p class="small"><a href="{{mine_url}}">{{mine_label}}</a>{{#can_approve}} · <a href="{{u_approvals}}">待审批</a>{{/can_approve}}</p>
{{#err_view}}  <p class="field-error">{{message}}</p>
{{/err_view}}{{#err_mine}}  <p class="field-error">{{message}}</p>
{{/err_mine}}
  <table class="grid">
    <thead><tr><th>编号</th><th>提交时间</th><th>订单</th><th>操作</th><th>提交人</th><th>状态</th><th>尝试</th><th></th></tr></thead>
    <tbody>
{{#rows}}      <tr>
        <td data-label="编号" class="mono">{{id}}</td>
        <td data-label="提交时间" class="time">{{at}}</td>
        <td data-label="订单">{{#has_order}}<a href="{{order_url}}" class="mono">{{order_no}}</a>{{/has_order}}</td>
        <td data-label="操作">{{summary}}{{#has_error}}<br><span class="small warn-text">{{error}}</span>{{/has_error}}{{#waiting_retry}}<br><span class="small muted">下次重试 {{next_at}}</span>{{/waiting_retry}}</td>
        <td data-label="提交人" title="{{actor}}">{{actor_name}}</td>
        <td data-label="状态"><span class="badge badge-{{state_tone}}" title="{{state}}">{{state_label}}</span></td>
        <td data-label="尝试" class="num">{{attempts}}</td>
        <td class="row-actions">{{#can_confirm}}<form method="post" action="{{confirm_url}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small primary">核对无误，发送</button></form>{{/can_confirm}}{{#can_retry}}<form method="post" action="{{retry_url}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small">重试</button></form>{{/can_retry}}
          {{#can_cancel}}<form method="post" action="{{cancel_url}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small danger">撤回</button></form>{{/can_cancel}}</td>
      </tr>
{{/rows}}    </tbody>
  </table>
{{#none}}  <p class="empty">无</p>
{{/none}}
</section>
