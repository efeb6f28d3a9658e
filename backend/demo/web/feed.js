// The demo publisher's own script: "Load more posts" appends a post with a
// card after load, the way infinite feeds do, to show that the Buycard
// loader picks up cards added later.
document.getElementById("load-more").addEventListener("click", (e) => {
  const btn = e.currentTarget;
  const post = document.createElement("article");
  post.className = "post";
  post.innerHTML = '<div class="avatar" aria-hidden="true">NW</div><div class="content">' +
    '<p class="meta"><b>Northwind Goods</b> <span>@northwind · now</span></p>' +
    '<p>Restocked: the tee in every size but XL.</p><div class="embed"></div></div>';
  const embed = post.querySelector(".embed");
  embed.dataset.buycard = btn.dataset.widget;
  embed.dataset.placement = btn.dataset.placement;
  document.getElementById("feed").append(post);
});
document.addEventListener("buycard:purchase", (e) => {
  console.log("buycard:purchase", e.detail.widget, e.detail.order.number);
});
