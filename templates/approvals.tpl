{{%AUTOESCAPE context="HTML"}}<section class="card">
  <h1>待审批 <span class="muted small">超出提交人限额的退款和补偿，需要另一位同事同意</span></h1>
  <p class="small"><a href="{{u_actions}}">← 全部操作</a></p>
  <table class="grid">
    <thead><tr><th>编号</th><th>提交时间</th><th>订单</th><th>操作</th><th class="num">金额</th><th>提交人</th><th>审批</th></tr></thead>
    <tbody>
{{#rows}}      <tr>
        <td data-label="编号" class="mono">{{id}}</td>
        <td data-label="提交时间" class="time">{{at}}</td>
        <td data-label="订单"><a href="{{order_url}}" class="mono">{{order_no}}</a></td>
        <td data-label="操作">{{summary}}</td>
        <td data-label="金额" class="num">¥{{amount}}</td>
        <td data-label="提交人">{{requester}}<br><span class="small muted">单笔上限 ¥{{max_refund}} · 每日 ¥{{daily_refund}}</span></td>
        <td data-label="审批">{{#others}}<form method="post" action="{{approve_url}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small primary">同意</button></form>
          <form method="post" action="{{refuse_url}}" class="inline-form"><input type="hidden" name="csrf" value="{{csrf}}"><input name="reason" maxlength="200" placeholder="拒绝原因（必填）" aria-label="拒绝原因" required><button type="submit" class="small danger">拒绝</button></form>{{/others}}{{#mine}}<span class="muted small">自己提交的，请另一位同事审批</span>{{/mine}}</td>
      </tr>
{{/rows}}    </tbody>
  </table>
{{#none}}  <p class="empty">无</p>
{{/none}}
</section>
